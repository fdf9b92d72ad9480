// Placeholders for what streams in behind a page (StreamedCard): sized like what replaces them, so the links and
// buttons below do not move under the pointer when it arrives (a layout shift), and a reader sees where it will be.

/** One grey bar; decorative (the card around it says it is loading). */
export function SkeletonBar({ className = "" }: { className?: string }) {
  return <div className={`animate-pulse rounded bg-muted ${className}`} aria-hidden />;
}

/**
 * A grid of figures as the organization home's usage card lays them out: a label (text-xs), a value (text-xl)
 * and a line under it (text-xs, two lines on a narrow screen where it wraps), two columns, four from lg up.
 */
export function SkeletonStats({ count = 4 }: { count?: number }) {
  return (
    <div className="grid grid-cols-2 gap-4 lg:grid-cols-4" aria-hidden>
      {Array.from({ length: count }, (_, i) => (
        <div key={i} className="min-w-0">
          <SkeletonBar className="my-0.5 h-3 w-20" />
          <SkeletonBar className="mt-1.5 mb-0.5 h-6 w-16" />
          {/* The line under a figure starts with ▲ or ▼, whose font makes it 4px taller than the label's. */}
          <SkeletonBar className="my-1 h-3 w-28 max-w-full" />
          <SkeletonBar className="my-0.5 h-3 w-16 lg:hidden" />
        </div>
      ))}
    </div>
  );
}

const WIDTHS = ["w-1/3", "w-5/6", "w-2/3", "w-1/2", "w-3/4", "w-2/5"];

/**
 * Lines of text to come. `className` gives the box its height (h-…, measured from what replaces it in the demo data at
 * 390 and 1280 px wide), so content of a typical size replaces it without moving what is below; lines past it are
 * cut off, so give enough to fill the tallest.
 */
export function SkeletonLines({ lines = 3, className = "" }: { lines?: number; className?: string }) {
  return (
    <div className={`space-y-3 overflow-hidden ${className}`} aria-hidden>
      {Array.from({ length: lines }, (_, i) => (
        <SkeletonBar key={i} className={`h-3 ${WIDTHS[i % WIDTHS.length]}`} />
      ))}
    </div>
  );
}

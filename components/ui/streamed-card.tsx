import { Suspense } from "react";
import { LoadingCard } from "./loading-card";

/**
 * A streamed card's reads wait this long, so the page's shell is rendered and sent before they take the CPU: on
 * PostgreSQL their queries and the shell's rendering share two cores, and on PGlite every statement runs on the
 * server's one thread. Measured on the 10 M-event bench database (the organization home, 32 requests each,
 * interleaved): TTFB p50 / p95 100–104 / 155–164 ms when its cards started at once, 63–74 / 94–121 ms after 5 ms,
 * 54–69 / 79–105 ms after 20 ms (the session floor 29–40 / 47–81 ms). The cards arrive that much later.
 */
const SHELL_HEAD_START_MS = 20;
const afterShell = () => new Promise<void>((resolve) => setTimeout(resolve, SHELL_HEAD_START_MS));

async function AfterShell({ children }: { children: React.ReactNode }) {
  await afterShell();
  return <>{children}</>;
}

/**
 * A card that streams in behind the rest of the page: a loading card with its title and `skeleton` first (shaped
 * and sized like the content, so nothing below it moves when that arrives), then what `children` (async server
 * components) render, started only after the shell's head start.
 */
export function StreamedCard({
  title,
  testId,
  className,
  skeleton,
  children,
}: {
  title: string;
  testId: string;
  className?: string;
  skeleton: React.ReactNode;
  children: React.ReactNode;
}) {
  return (
    <Suspense fallback={<LoadingCard title={title} testId={testId} className={className} skeleton={skeleton} />}>
      <AfterShell>{children}</AfterShell>
    </Suspense>
  );
}

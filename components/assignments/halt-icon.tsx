// The pause mark of a halt, drawn (a "⏸" character is missing from many fonts and shows as a box).
export function HaltIcon({ className = "size-4" }: { className?: string }) {
  return (
    <svg viewBox="0 0 16 16" aria-hidden="true" focusable="false" className={`shrink-0 ${className}`} fill="currentColor">
      <path fillRule="evenodd" d="M8 0a8 8 0 1 0 0 16A8 8 0 0 0 8 0Zm-2.5 4.5h1.75v7H5.5v-7Zm3.25 0h1.75v7H8.75v-7Z" />
    </svg>
  );
}

/** The most requests that arrived within any window of `windowMs`. */
export function maxInWindow(arrivals: number[], windowMs = 1000): number {
  const sorted = [...arrivals].sort((a, b) => a - b);
  let max = 0;
  let start = 0;
  for (let end = 0; end < sorted.length; end++) {
    while (sorted[end] - sorted[start] >= windowMs) start++;
    max = Math.max(max, end - start + 1);
  }
  return max;
}

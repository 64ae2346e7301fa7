/** One figure of `npm run bench`: `name: value unit (target: ...)`, flagged when the target is missed. */
export function benchFigure(name: string, value: number, unit: string, target: string): void {
  const bound = Number(target.slice(2).trim().split(" ")[0]);
  const ok = target.startsWith("<=") ? value <= bound : target.startsWith(">=") ? value >= bound : true;
  const digits = unit === "s" || unit === "ms" ? 2 : unit === "fps" ? 1 : 0;
  console.log(`${name}: ${value.toFixed(digits)} ${unit} (target: ${target})${ok ? "" : "  MISSED"}`);
}

import { describe, expect, it } from "vitest";
import { clearFailedSignIns, recordFailedSignIn, signInRetryAfter } from "./rate-limit";

const MINUTE = 60_000;

describe("failed sign-in limits", () => {
  it("locks a user and address after 5 failures for the rest of the 15 minutes, then lets go", () => {
    const t0 = 1_000_000_000;
    for (let i = 0; i < 4; i++) recordFailedSignIn("Ann", "1.1.1.1", t0 + i * MINUTE);
    expect(signInRetryAfter("ann", "1.1.1.1", t0 + 4 * MINUTE)).toBe(0); // 4 failures: still allowed
    recordFailedSignIn("ann", "1.1.1.1", t0 + 4 * MINUTE);
    // The oldest of the 5 (t0) leaves the window at t0 + 15 min: 10 minutes = 600 s after t0 + 5 min.
    expect(signInRetryAfter("ann", "1.1.1.1", t0 + 5 * MINUTE)).toBe(600);
    expect(signInRetryAfter("ann", "2.2.2.2", t0 + 5 * MINUTE)).toBe(0); // another address
    expect(signInRetryAfter("ann", "1.1.1.1", t0 + 15 * MINUTE)).toBe(0);
  });

  it("locks a user name from every address after 50 failures, and forgets a client's failures on success", () => {
    const t0 = 2_000_000_000;
    for (let i = 0; i < 50; i++) recordFailedSignIn("bo", `10.0.0.${i}`, t0);
    expect(signInRetryAfter("bo", "10.0.1.1", t0 + MINUTE)).toBe(14 * 60);
    recordFailedSignIn("cy", "3.3.3.3", t0);
    clearFailedSignIns("cy", "3.3.3.3");
    for (let i = 0; i < 4; i++) recordFailedSignIn("cy", "3.3.3.3", t0);
    expect(signInRetryAfter("cy", "3.3.3.3", t0)).toBe(0);
  });
});

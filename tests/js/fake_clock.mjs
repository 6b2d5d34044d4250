// A clock that moves only when told, with the timers it owes: the `{now, setTimer,
// clearTimer}` the page modules take, for tests that walk through time.

export function fakeClock(start = 1_000_000) {
  let now = start;
  let next = 1;
  const timers = new Map(); // id -> {at, callback}
  return {
    now: () => now,
    setTimer(callback, ms) {
      timers.set(next, { at: now + ms, callback });
      return next++;
    },
    clearTimer(id) { timers.delete(id); },
    /** Move `ms` ahead, running every timer due on the way in its order. */
    advance(ms) {
      const until = now + ms;
      for (;;) {
        const due = [...timers].filter(([, timer]) => timer.at <= until)
          .sort(([, a], [, b]) => a.at - b.at)[0];
        if (!due) break;
        timers.delete(due[0]);
        now = due[1].at;
        due[1].callback();
      }
      now = until;
    },
  };
}

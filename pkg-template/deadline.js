// Deadline timers kept between attempts, for the Deno entry. Each attempt's
// deadline is a timer armed before its fetch and disarmed when the attempt
// ends; api.js gives each attempt a timer of its own, unless an entry gives
// it these.
//
// In Deno, setTimeout makes a Node-style Timeout: right after a request,
// making one and clearing it cost 15-19 µs of CPU, where re-arming one that
// exists with `refresh()` and unref'ing it cost about 5
// (`bench/probes/deadline-timers.mjs`). So there, a timer whose attempt has
// ended is kept for the next attempt of the same duration, unref'd in the
// meantime so that it keeps no process alive; when it fires with no attempt
// behind it, nothing happens. Elsewhere each attempt keeps its own timer,
// cleared when it ends: in Node the two cost about the same (4-6 µs), a
// Workers isolate forbids a timer from outliving the request that made it,
// and a fake clock's timer left pending would show in a test that counts
// its timers.
//
// A kept timer is only reused while globalThis.setTimeout is the function
// that made it: a test that installs a fake clock gets timers of that clock
// from then on, and a fake clock's timers (numbers, in Deno's) are never
// kept.

/** Idle timers kept at most; more concurrent attempts than this clear theirs. */
const KEPT_AT_MOST = 8;

/**
 * `arm(ms, onTimeout)` returns a deadline that calls `onTimeout` once after
 * `ms` unless `disarm(deadline)` comes first; a timer that can be re-armed
 * (a Timeout object) is kept for a later `arm`. Throws only what a caller's
 * setTimeout throws.
 */
export function keptDeadlineTimers() {
  let kept = [];
  let keptFrom; // the setTimeout that made the kept timers

  function arm(ms, onTimeout) {
    const setTimer = globalThis.setTimeout;
    if (kept.length > 0) {
      if (setTimer === keptFrom) {
        const deadline = kept.pop();
        if (deadline.ms === ms && rearm(deadline.timer)) {
          deadline.onTimeout = onTimeout;
          return deadline;
        }
        clearQuietly(deadline);
      } else {
        // Left to fire with nothing to do: a fake clearTimeout may refuse
        // a real timer.
        kept = [];
      }
    }
    const deadline = { timer: undefined, ms, onTimeout, from: setTimer };
    // A closure, not setTimeout's extra arguments, which a caller's wrapper
    // of setTimeout may not pass on.
    deadline.timer = setTimer(() => {
      const fire = deadline.onTimeout;
      deadline.onTimeout = undefined;
      if (fire !== undefined) fire();
    }, ms);
    return deadline;
  }

  function disarm(deadline) {
    deadline.onTimeout = undefined;
    if (kept.length < KEPT_AT_MOST && deadline.from === globalThis.setTimeout && unrefQuietly(deadline.timer)) {
      if (kept.length === 0) keptFrom = deadline.from;
      if (keptFrom === deadline.from) {
        kept.push(deadline);
        return;
      }
    }
    clearTimeout(deadline.timer);
  }

  return { arm, disarm };
}

/** Whether `timer` can be kept: a Timeout object, unref'd here. */
function unrefQuietly(timer) {
  try {
    if (typeof timer?.refresh !== 'function' || typeof timer.ref !== 'function' || typeof timer.unref !== 'function') return false;
    timer.unref();
    return true;
  } catch {
    return false;
  }
}

/** Re-arms a kept timer for `ms` from now, holding the process open again. */
function rearm(timer) {
  try {
    timer.ref();
    timer.refresh();
    return true;
  } catch {
    return false;
  }
}

/** Clears a kept timer that will not be reused. */
function clearQuietly(deadline) {
  try {
    clearTimeout(deadline.timer);
  } catch {
    // A caller's clearTimeout that throws: the timer fires with nothing to do.
  }
}

// Each attempt's deadline: a timer armed before its fetch and disarmed when
// the attempt ends, either one of its own (`ownDeadlineTimers`, what api.js
// uses unless an entry gives it others) or one kept between attempts
// (`keptDeadlineTimers`, which the Deno entry gives it). Both take a
// closure, never setTimeout's extra arguments, which a caller's wrapper of
// setTimeout may not pass on; neither lets a caller's clearTimeout that
// throws keep a call from settling.
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
// Only the runtime's own Timeouts are kept: objects with the fields of
// Node's Timeout (`_idleTimeout`, `_destroyed`), which Deno's are too. A
// fake clock's timers are numbers (@std/testing's) or plain objects with
// `ref`, `unref` and `refresh` (@sinonjs/fake-timers', node:test's mock
// timers): cleared as they always were, so a test that counts its fake
// timers sees none left. A kept timer is only reused while
// globalThis.setTimeout is the function that made it: a test that installs
// a fake clock gets that clock's timers from then on. And a kept timer that
// something else has cleared (a stray `clearTimeout(1)`: Deno numbers its
// timers from 1, and a kept one can be among the first) cannot be re-armed;
// `refresh()` leaves it destroyed, so it is dropped and a fresh one made.

/** A timer for each attempt, cleared when it ends. */
export const ownDeadlineTimers = {
  arm: (ms, onTimeout) => setTimeout(onTimeout, ms),
  disarm: (timer) => clearQuietly(timer),
};

/** Idle timers kept at most; more concurrent attempts than this clear theirs. */
const KEPT_AT_MOST = 8;

/**
 * `arm(ms, onTimeout)` returns a deadline that calls `onTimeout` once after
 * `ms` unless `disarm(deadline)` comes first; a runtime's Timeout is kept
 * for a later `arm` of the same `ms`. `arm` throws only what a caller's
 * setTimeout throws; `disarm` never throws.
 */
export function keptDeadlineTimers() {
  let kept = []; // idle deadlines, all made by the same setTimeout

  function arm(ms, onTimeout) {
    const setTimer = globalThis.setTimeout;
    if (kept.length > 0) {
      if (setTimer === kept[0].from) {
        // The latest kept of this duration (clients with different
        // timeoutMs take turns).
        const index = kept.findLastIndex((deadline) => deadline.ms === ms);
        if (index !== -1) {
          const [deadline] = kept.splice(index, 1);
          if (rearm(deadline.timer)) {
            deadline.onTimeout = onTimeout;
            return deadline;
          }
          clearQuietly(deadline.timer);
        }
      } else {
        // Left to fire with nothing to do: a fake clearTimeout may refuse
        // a real timer.
        kept = [];
      }
    }
    const deadline = { timer: undefined, ms, onTimeout, from: setTimer };
    deadline.timer = setTimer(() => {
      const fire = deadline.onTimeout;
      deadline.onTimeout = undefined;
      if (fire !== undefined) fire();
    }, ms);
    return deadline;
  }

  function disarm(deadline) {
    deadline.onTimeout = undefined;
    const from = deadline.from;
    const keepable = kept.length < KEPT_AT_MOST && from === globalThis.setTimeout && (kept.length === 0 || kept[0].from === from);
    if (keepable && unrefQuietly(deadline.timer)) {
      kept.push(deadline);
      return;
    }
    clearQuietly(deadline.timer);
  }

  return { arm, disarm };
}

/** Whether `timer` is a runtime's Timeout, not a fake clock's. */
function isRuntimeTimeout(timer) {
  return (
    typeof timer?.refresh === 'function' &&
    typeof timer.ref === 'function' &&
    typeof timer.unref === 'function' &&
    typeof timer._idleTimeout === 'number' &&
    typeof timer._destroyed === 'boolean'
  );
}

/** Whether `timer` can be kept (a runtime's Timeout), unref'd here. */
function unrefQuietly(timer) {
  try {
    if (!isRuntimeTimeout(timer) || timer._destroyed) return false;
    timer.unref();
    return true;
  } catch {
    return false;
  }
}

/**
 * Re-arms a kept timer for its duration from now, holding the process open
 * again; false when it cannot be (cleared by something else meanwhile).
 */
function rearm(timer) {
  try {
    timer.ref();
    timer.refresh();
    return timer._destroyed === false;
  } catch {
    return false;
  }
}

/** clearTimeout(timer); one that throws (a caller's) must not keep a call from settling. */
function clearQuietly(timer) {
  try {
    clearTimeout(timer);
  } catch {
    // The timer fires with nothing to do.
  }
}

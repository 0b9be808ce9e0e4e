//! Lowering the calling thread's CPU priority, so that background work (the
//! features after a scan) gets what the window's threads leave: a per-thread nice
//! value on Linux, a quality-of-service class on macOS, a thread priority on
//! Windows. Where none of them applies, or the system refuses, the caller learns
//! that it was not lowered and keeps to one thread.

/// Lowers the calling thread's priority below the window's; false when it
/// could not.
pub fn lower_current_thread() -> bool {
    os::lower()
}

#[cfg(target_os = "linux")]
mod os {
    /// How much lower than the window the background runs (nice value).
    pub const NICE: libc::c_int = 10;

    pub fn lower() -> bool {
        // SAFETY: plain system calls on the calling thread's own id; a failure
        // leaves the priority as it was.
        unsafe {
            let me = libc::gettid();
            libc::setpriority(libc::PRIO_PROCESS, me as libc::id_t, NICE) == 0
        }
    }
}

#[cfg(target_os = "macos")]
mod os {
    /// "Utility": long work with visible progress, below the window's
    /// "user interactive" and "user initiated" classes.
    pub fn lower() -> bool {
        // SAFETY: sets the calling thread's own class; a failure leaves it as it was.
        unsafe { libc::pthread_set_qos_class_self_np(libc::qos_class_t::QOS_CLASS_UTILITY, 0) == 0 }
    }
}

#[cfg(windows)]
mod os {
    use windows_sys::Win32::System::Threading::{
        GetCurrentThread, SetThreadPriority, THREAD_PRIORITY_LOWEST,
    };

    /// Two steps below normal, within the process's class.
    pub const PRIORITY: i32 = THREAD_PRIORITY_LOWEST;

    pub fn lower() -> bool {
        // SAFETY: GetCurrentThread returns a pseudo handle to the calling thread,
        // valid for the call; a failure leaves the priority as it was.
        unsafe { SetThreadPriority(GetCurrentThread(), PRIORITY) != 0 }
    }
}

#[cfg(not(any(target_os = "linux", target_os = "macos", windows)))]
mod os {
    pub fn lower() -> bool {
        false
    }
}

#[cfg(all(test, any(target_os = "linux", windows)))]
mod tests {
    use super::*;

    /// The thread's priority, as the system reports it.
    #[cfg(target_os = "linux")]
    fn lowered_enough() -> bool {
        // SAFETY: reads the calling thread's own priority.
        let nice = unsafe { libc::getpriority(libc::PRIO_PROCESS, libc::gettid() as libc::id_t) };
        // At least nice 10: a process already nicer than that stays as nice.
        nice >= os::NICE
    }

    #[cfg(windows)]
    fn lowered_enough() -> bool {
        use windows_sys::Win32::System::Threading::{GetCurrentThread, GetThreadPriority};
        // SAFETY: reads the calling thread's own priority through its pseudo handle.
        unsafe { GetThreadPriority(GetCurrentThread()) <= os::PRIORITY }
    }

    #[test]
    fn a_lowered_thread_runs_below_the_others() {
        let (said, seen) = std::thread::spawn(|| (lower_current_thread(), lowered_enough()))
            .join()
            .expect("thread");
        assert!(said, "the system refused");
        assert!(seen, "the priority did not change");
    }
}

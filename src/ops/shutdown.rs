//! The shutdown signal: SIGTERM (what container runtimes send) or SIGINT (Ctrl-C).

/// Resolves on the first SIGTERM or SIGINT. If a handler cannot be installed, that signal is
/// simply not awaited (the other still works, and SIGKILL always does).
pub async fn signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let term = async {
            match signal(SignalKind::terminate()) {
                Ok(mut s) => {
                    s.recv().await;
                }
                Err(_) => std::future::pending::<()>().await,
            }
        };
        tokio::select! {
            _ = term => tracing::info!("SIGTERM received: draining"),
            _ = tokio::signal::ctrl_c() => tracing::info!("SIGINT received: draining"),
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

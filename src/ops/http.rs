//! The operations endpoint (`ops.listen`): `/healthz`, `/readyz`, `/metrics` and the status page
//! at `/`. It answers from the worker's shared state only, so a scrape never touches NATS.

use crate::worker::WorkerState;
use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use std::sync::Arc;
use tokio::net::TcpListener;

/// The status page: one self-contained file (no external assets), drawn from `/metrics`.
const STATUS_PAGE: &str = include_str!("status.html");

/// Binds `listen` (`host:port`; port 0 picks a free one).
pub async fn bind(listen: &str) -> anyhow::Result<TcpListener> {
    TcpListener::bind(listen)
        .await
        .map_err(|e| anyhow::anyhow!("cannot listen on {listen} (ops.listen): {e}"))
}

/// The routes, for [`serve`] and for tests that call them without a socket.
pub fn router(state: Arc<WorkerState>) -> Router {
    Router::new()
        .route("/", get(status_page))
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
        .with_state(state)
}

/// Serves until the task is dropped or aborted (the worker aborts it as it returns).
pub async fn serve(listener: TcpListener, state: Arc<WorkerState>) {
    if let Ok(addr) = listener.local_addr() {
        tracing::info!(%addr, "ops endpoint listening");
    }
    if let Err(e) = axum::serve(listener, router(state)).await {
        tracing::error!(error = %e, "ops endpoint stopped");
    }
}

/// The process is up and its runtime answers.
async fn healthz() -> &'static str {
    "ok\n"
}

/// 200 only while connected, consuming (deliveries or heartbeats arrive) and not draining, so
/// an orchestrator routes no work to a replica that cannot take it.
async fn readyz(State(state): State<Arc<WorkerState>>) -> Response {
    match state.not_ready_because() {
        None => (StatusCode::OK, "ready\n").into_response(),
        Some(why) => (
            StatusCode::SERVICE_UNAVAILABLE,
            format!("not ready: {why}\n"),
        )
            .into_response(),
    }
}

async fn metrics(State(state): State<Arc<WorkerState>>) -> Response {
    let body = state.encode_metrics();
    (
        [(header::CONTENT_TYPE, crate::ops::metrics::CONTENT_TYPE)],
        body,
    )
        .into_response()
}

async fn status_page() -> Response {
    ([(header::CACHE_CONTROL, "no-store")], Html(STATUS_PAGE)).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;
    use axum::http::Request;
    use tower::ServiceExt;

    async fn get(state: &Arc<WorkerState>, path: &str) -> (StatusCode, String) {
        let resp = router(state.clone())
            .oneshot(Request::get(path).body(Body::empty()).unwrap())
            .await
            .unwrap();
        let status = resp.status();
        let bytes = axum::body::to_bytes(resp.into_body(), 1 << 20)
            .await
            .unwrap();
        (status, String::from_utf8_lossy(&bytes).into_owned())
    }

    #[tokio::test]
    async fn health_readiness_metrics_and_page() {
        let state = Arc::new(WorkerState::default());
        assert_eq!(get(&state, "/healthz").await.0, StatusCode::OK);
        let (code, body) = get(&state, "/readyz").await;
        assert_eq!(code, StatusCode::SERVICE_UNAVAILABLE);
        assert!(body.contains("NATS"), "{body}");
        let (code, body) = get(&state, "/metrics").await;
        assert_eq!(code, StatusCode::OK);
        assert!(body.contains("enricher_articles_total{outcome=\"new\"} 0"));
        assert!(body.contains("enricher_ready 0"));
        let (code, body) = get(&state, "/").await;
        assert_eq!(code, StatusCode::OK);
        assert!(body.contains("<html") && !body.contains("http://") && !body.contains("https://"));
        assert_eq!(get(&state, "/nope").await.0, StatusCode::NOT_FOUND);
    }
}

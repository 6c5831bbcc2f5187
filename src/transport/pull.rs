//! A pull engine for the durable consumer, on the JetStream pull protocol directly.
//!
//! Why not the client's continuous `messages()` stream: it re-requests on its own whenever half a
//! batch is consumed, so the worker cannot stop pulling while it still reads what was delivered
//! (at shutdown, every read pulls more), and prefetch is not tied to free worker capacity. Here
//! exactly one pull request is outstanding at a time, sized by the caller to its free in-flight
//! slots; the caller decides when to ask for more, and at shutdown simply stops asking.
//!
//! Liveness: every request carries an idle heartbeat. If neither a message nor a heartbeat
//! arrives within two heartbeats, the pull is reported stalled and the caller rebuilds it (the
//! silent stall Vector's NATS source suffers after lame-duck reconnects).

use async_nats::jetstream::consumer::{PullConsumer, pull::BatchConfig};
use async_nats::{Client, StatusCode, Subscriber};
use futures::StreamExt;
use std::time::Duration;

/// What the pull yields.
#[derive(Debug)]
pub enum Pulled {
    /// A message of the stream.
    Message(async_nats::Message),
    /// The outstanding request is over (filled, expired or ended by the server).
    RequestDone,
}

/// Why the pull must be rebuilt.
#[derive(Debug, thiserror::Error)]
pub enum PullError {
    #[error("no message or heartbeat for {0:?}: the pull stalled")]
    Stalled(Duration),
    #[error("the consumer was deleted")]
    ConsumerDeleted,
    #[error("JetStream is not available (no responders)")]
    NoResponders,
    #[error("the pull subscription ended")]
    Closed,
    #[error("pull request failed: {0}")]
    Request(String),
    #[error("the server refused the pull: {0}")]
    Refused(String),
}

pub struct Puller {
    consumer: PullConsumer,
    subscription: Subscriber,
    inbox: async_nats::Subject,
    expires: Duration,
    heartbeat: Duration,
    /// Messages still expected from the outstanding request (0: none outstanding).
    outstanding: usize,
}

impl Puller {
    pub async fn new(
        client: &Client,
        consumer: PullConsumer,
        expires: Duration,
        heartbeat: Duration,
    ) -> Result<Puller, PullError> {
        let inbox: async_nats::Subject = client.new_inbox().into();
        let subscription = client
            .subscribe(inbox.clone())
            .await
            .map_err(|e| PullError::Request(e.to_string()))?;
        Ok(Puller {
            consumer,
            subscription,
            inbox,
            expires,
            heartbeat,
            outstanding: 0,
        })
    }

    /// Whether a request is outstanding.
    pub fn is_pulling(&self) -> bool {
        self.outstanding > 0
    }

    /// Asks the server for up to `n` messages (one request; call again after `RequestDone`).
    pub async fn request(&mut self, n: usize) -> Result<(), PullError> {
        let config = BatchConfig {
            batch: n.max(1),
            expires: Some(self.expires),
            idle_heartbeat: self.heartbeat,
            ..Default::default()
        };
        self.consumer
            .request_batch(config, self.inbox.clone())
            .await
            .map_err(|e| PullError::Request(e.to_string()))?;
        self.outstanding = n.max(1);
        Ok(())
    }

    /// The next message or request end. Heartbeats are consumed here.
    pub async fn next(&mut self) -> Result<Pulled, PullError> {
        let patience = self.heartbeat * 2 + Duration::from_millis(500);
        loop {
            let msg = match tokio::time::timeout(patience, self.subscription.next()).await {
                Ok(Some(m)) => m,
                Ok(None) => return Err(PullError::Closed),
                Err(_) => {
                    self.outstanding = 0;
                    return Err(PullError::Stalled(patience));
                }
            };
            match msg.status {
                None | Some(StatusCode::OK) => {
                    if msg.reply.is_none() {
                        continue;
                    }
                    // At 0 the request is filled: the server sends nothing more for it.
                    self.outstanding = self.outstanding.saturating_sub(1);
                    return Ok(Pulled::Message(msg));
                }
                Some(StatusCode::IDLE_HEARTBEAT) => continue,
                Some(StatusCode::TIMEOUT) | Some(StatusCode::NOT_FOUND) => {
                    self.outstanding = 0;
                    return Ok(Pulled::RequestDone);
                }
                Some(StatusCode::NO_RESPONDERS) => {
                    self.outstanding = 0;
                    return Err(PullError::NoResponders);
                }
                Some(StatusCode::REQUEST_TERMINATED) => {
                    self.outstanding = 0;
                    let why = msg.description.unwrap_or_default();
                    if why.contains("Consumer Deleted") {
                        return Err(PullError::ConsumerDeleted);
                    }
                    if why.contains("push based") || why.starts_with("Exceeded MaxRequest") {
                        return Err(PullError::Refused(why));
                    }
                    // "Leadership Change", "Server Shutdown", "Exceeded MaxWaiting", ...:
                    // this request is over; the next one may succeed.
                    tracing::debug!(reason = %why, "pull request ended by the server");
                    return Ok(Pulled::RequestDone);
                }
                Some(other) => {
                    self.outstanding = 0;
                    tracing::debug!(status = %other, description = ?msg.description, "pull status");
                    return Ok(Pulled::RequestDone);
                }
            }
        }
    }

    /// Whether the request in flight has delivered everything it asked for.
    pub fn request_filled(&self) -> bool {
        self.outstanding == 0
    }

    /// Messages already delivered to us, read until the inbox stays quiet for `quiet`.
    pub async fn drain_delivered(&mut self, quiet: Duration) -> Vec<async_nats::Message> {
        let mut out = Vec::new();
        while let Ok(Some(msg)) = tokio::time::timeout(quiet, self.subscription.next()).await {
            if matches!(msg.status, None | Some(StatusCode::OK)) && msg.reply.is_some() {
                out.push(msg);
            }
        }
        out
    }

    /// Stops receiving: messages the server sends after this are redelivered after `ack_wait`.
    pub async fn close(mut self) {
        let _ = self.subscription.unsubscribe().await;
    }
}

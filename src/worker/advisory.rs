//! The max-deliveries backstop. A message whose every delivery ended without an ack (the worker
//! was killed each time, or could not even dead-letter it) is given up by the server after
//! `max_deliver` deliveries. The server announces that in an advisory; one replica (queue group)
//! copies the message from the stream to the dead-letter subject, so it is never silently lost.

use super::dead_letter::{self, Origin};
use crate::record::{RejectReason, Rejection};
use async_nats::jetstream;
use futures::StreamExt;
use serde::Deserialize;

#[derive(Debug, Deserialize)]
struct MaxDeliveries {
    stream: String,
    stream_seq: u64,
    deliveries: i64,
}

/// The advisory subject for our consumer.
pub fn subject(stream: &str, consumer: &str) -> String {
    format!("$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.{stream}.{consumer}")
}

/// Listens until the subscription ends (the connection is drained at shutdown).
pub async fn run(
    client: async_nats::Client,
    js: jetstream::Context,
    stream_name: String,
    consumer: String,
    dead_letter_subject: String,
) {
    let subject = subject(&stream_name, &consumer);
    let mut sub = match client
        .queue_subscribe(subject.clone(), "article-enricher-advisories".into())
        .await
    {
        Ok(s) => s,
        Err(e) => {
            tracing::warn!(error = %e, "cannot subscribe to max-deliveries advisories");
            return;
        }
    };
    while let Some(msg) = sub.next().await {
        let Ok(adv) = serde_json::from_slice::<MaxDeliveries>(&msg.payload) else {
            continue;
        };
        if let Err(e) = handle(&js, &adv, &dead_letter_subject).await {
            tracing::warn!(error = %e, seq = adv.stream_seq, "cannot dead-letter a message that reached max_deliver");
        }
    }
}

async fn handle(
    js: &jetstream::Context,
    adv: &MaxDeliveries,
    dead_letter_subject: &str,
) -> anyhow::Result<()> {
    let stream = js.get_stream(&adv.stream).await?;
    let raw = match stream.get_raw_message(adv.stream_seq).await {
        Ok(m) => m,
        // Already acked, terminated or removed: nothing was lost.
        Err(_) => return Ok(()),
    };
    let rejection = Rejection::new(
        RejectReason::DeliveryFailed,
        format!(
            "delivered {} times (max_deliver) without an acknowledgement",
            adv.deliveries
        ),
    );
    let origin = Origin {
        subject: raw.subject.as_str(),
        stream: Some(&adv.stream),
        stream_sequence: Some(adv.stream_seq),
        delivered: Some(adv.deliveries),
        headers: Some(&raw.headers),
    };
    dead_letter::publish(
        js,
        dead_letter_subject,
        raw.payload.clone(),
        &rejection,
        &origin,
    )
    .await?;
    tracing::warn!(
        seq = adv.stream_seq,
        "dead-lettered a message that reached max_deliver"
    );
    // A work queue would otherwise keep the message forever.
    if stream.cached_info().config.retention == jetstream::stream::RetentionPolicy::WorkQueue {
        let _ = stream.delete_message(adv.stream_seq).await;
    }
    Ok(())
}

//! A decoder for server-sent events as both model APIs stream them: bytes
//! arrive in arbitrary chunks, and complete events come out.
//!
//! It follows the WHATWG event-stream rules that matter here: `event:` and
//! `data:` fields (one space after the colon dropped), several `data:`
//! lines joined with newlines, `:` comment lines ignored, a blank line ends
//! an event, and lines end with LF or CRLF.

/// One event.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SseEvent {
    /// The `event:` name; empty when the server sent none (OpenAI).
    pub event: String,
    pub data: String,
}

/// Turns a byte stream into events.
#[derive(Debug, Default)]
pub struct SseDecoder {
    line: Vec<u8>,
    event: String,
    data: Option<String>,
}

impl SseDecoder {
    /// Feeds a chunk; returns the events it completed.
    pub fn push(&mut self, chunk: &[u8]) -> Vec<SseEvent> {
        let mut done = Vec::new();
        for &byte in chunk {
            if byte != b'\n' {
                self.line.push(byte);
                continue;
            }
            if self.line.last() == Some(&b'\r') {
                self.line.pop();
            }
            let line = std::mem::take(&mut self.line);
            if let Some(event) = self.take_line(&String::from_utf8_lossy(&line)) {
                done.push(event);
            }
        }
        done
    }

    /// Reads one complete line; a blank one dispatches the event so far.
    fn take_line(&mut self, line: &str) -> Option<SseEvent> {
        if line.is_empty() {
            let event = std::mem::take(&mut self.event);
            return self.data.take().map(|data| SseEvent { event, data });
        }
        if line.starts_with(':') {
            return None;
        }
        let (field, value) = line.split_once(':').unwrap_or((line, ""));
        let value = value.strip_prefix(' ').unwrap_or(value);
        match field {
            "event" => self.event = value.to_string(),
            "data" => match &mut self.data {
                Some(data) => {
                    data.push('\n');
                    data.push_str(value);
                }
                None => self.data = Some(value.to_string()),
            },
            _ => {}
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_split_anywhere_come_out_whole() {
        let stream = b"event: message_start\r\ndata: {\"a\":1}\r\n\r\n: keep-alive\n\ndata: one\ndata:two\n\nevent: ping\n\n";
        for split in 0..stream.len() {
            let mut d = SseDecoder::default();
            let mut events = d.push(&stream[..split]);
            events.extend(d.push(&stream[split..]));
            assert_eq!(
                events,
                [
                    SseEvent {
                        event: "message_start".into(),
                        data: "{\"a\":1}".into()
                    },
                    SseEvent {
                        event: String::new(),
                        data: "one\ntwo".into()
                    },
                ],
                "split at {split}"
            );
        }
    }

    #[test]
    fn multibyte_text_split_between_chunks_survives() {
        let stream = "data: caf\u{e9} \u{2014} ok\n\n".as_bytes();
        let mut d = SseDecoder::default();
        let mut events = d.push(&stream[..10]);
        events.extend(d.push(&stream[10..]));
        assert_eq!(events[0].data, "caf\u{e9} \u{2014} ok");
    }
}

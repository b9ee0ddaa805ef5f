//! The durations and schedules the Kubernetes and DR templates write: backup intervals for an
//! RPO, cron lines (5 fields, or 6 for CloudNativePG), `kubectl wait` timeouts, Gateway API
//! durations. Pure functions of numbers.

use std::fmt::Write as _;

/// The backup interval for an RPO: the longest of 1, 2, 3, 4, 6, 8, 12 or 24 hours that is not
/// longer than the RPO (1 hour below that: finer recovery points need WAL archiving or replication).
pub fn interval_hours(rpo_ms: u64) -> u32 {
    const HOURS: [u32; 8] = [1, 2, 3, 4, 6, 8, 12, 24];
    let rpo_hours = rpo_ms / 3_600_000;
    HOURS
        .iter()
        .rev()
        .copied()
        .find(|&h| u64::from(h) <= rpo_hours)
        .unwrap_or(1)
}

/// A cron line every `hours` hours at `minute` past (daily at 01:mm for 24): five fields, or six
/// with a leading seconds field (CloudNativePG).
pub fn cron(hours: u32, minute: usize, seconds: bool) -> String {
    let hour = match hours {
        24 => "1".to_owned(),
        1 => "*".to_owned(),
        h => format!("*/{h}"),
    };
    let line = format!("{minute} {hour} * * *");
    if seconds { format!("0 {line}") } else { line }
}

pub(super) fn every(hours: u32) -> String {
    match hours {
        24 => "daily".to_owned(),
        1 => "hourly".to_owned(),
        h => format!("every {h}h"),
    }
}

/// A Go duration for `kubectl wait --timeout`: whole hours or minutes, at least `1m`.
pub(super) fn wait_timeout(ms: u64) -> String {
    let minutes = (ms / 60_000).max(1);
    if minutes.is_multiple_of(60) {
        format!("{}h", minutes / 60)
    } else {
        format!("{minutes}m")
    }
}

/// A Gateway API duration (`^([0-9]{1,5}(h|m|s|ms)){1,4}$`) for a timeout in seconds: `10s`,
/// `2s500ms`, `1m40s500ms`; at least `1ms`.
pub fn gateway_duration(seconds: f64) -> String {
    let ms: u64 = format!("{:.0}", (seconds * 1000.0).max(1.0))
        .parse()
        .unwrap_or(1);
    [
        (ms / 3_600_000, "h"),
        (ms / 60_000 % 60, "m"),
        (ms / 1_000 % 60, "s"),
        (ms % 1_000, "ms"),
    ]
    .iter()
    .filter(|(n, _)| *n > 0)
    .fold(String::new(), |mut out, (n, unit)| {
        let _ = write!(out, "{n}{unit}");
        out
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backup_intervals_follow_the_rpo() {
        let h = 3_600_000;
        assert_eq!(interval_hours(0), 1);
        assert_eq!(interval_hours(15 * 60_000), 1);
        assert_eq!(interval_hours(4 * h), 4);
        assert_eq!(interval_hours(5 * h), 4);
        assert_eq!(interval_hours(24 * h), 24);
        assert_eq!(interval_hours(72 * h), 24);
        assert_eq!(cron(24, 7, true), "0 7 1 * * *");
        assert_eq!(cron(4, 0, false), "0 */4 * * *");
        assert_eq!(cron(1, 14, false), "14 * * * *");
        assert_eq!(wait_timeout(86_400_000), "24h");
        assert_eq!(wait_timeout(0), "1m");
    }

    #[test]
    fn gateway_durations_stay_in_the_allowed_form() {
        assert_eq!(gateway_duration(10.0), "10s");
        assert_eq!(gateway_duration(2.5), "2s500ms");
        assert_eq!(gateway_duration(0.0), "1ms");
        assert_eq!(gateway_duration(100.5), "1m40s500ms");
        assert_eq!(gateway_duration(3600.0), "1h");
    }
}

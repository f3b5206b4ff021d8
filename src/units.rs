//! Numbers for people, shared by the CLI and the workbench: durations,
//! rates and token counts in the units people read at a glance.

/// 412 → "412ms", 3240 → "3.2s", 125000 → "2m05s".
pub fn duration_ms(ms: u64) -> String {
    if ms < 1000 {
        format!("{ms}ms")
    } else if ms < 60_000 {
        format!("{:.1}s", ms as f64 / 1000.0)
    } else {
        format!("{}m{:02}s", ms / 60_000, (ms % 60_000) / 1000)
    }
}

/// A duration that may be unknown: "412ms", or "-".
pub fn duration(ms: Option<u64>) -> String {
    ms.map_or("-".into(), duration_ms)
}

/// Tokens per second that may be unknown: "85.3", or "-".
pub fn rate(tokens_per_s: Option<f64>) -> String {
    tokens_per_s.map_or("-".into(), |r| format!("{r:.1}"))
}

/// 950 → "950", 12_345 → "12.3k", 2_500_000 → "2.5M".
pub fn count(n: u64) -> String {
    if n < 1000 {
        n.to_string()
    } else if n < 1_000_000 {
        format!("{:.1}k", n as f64 / 1000.0)
    } else {
        format!("{:.1}M", n as f64 / 1_000_000.0)
    }
}

/// 512 → "512 B", 65_536 → "64 KiB", 8_388_608 → "8 MiB", 1_572_864 → "1.5 MiB".
pub fn size(bytes: usize) -> String {
    const KIB: usize = 1024;
    const MIB: usize = 1024 * KIB;
    let scaled = |unit: usize, name: &str| {
        let text = format!("{:.1}", bytes as f64 / unit as f64);
        format!("{} {name}", text.trim_end_matches(".0"))
    };
    if bytes >= MIB {
        scaled(MIB, "MiB")
    } else if bytes >= KIB {
        scaled(KIB, "KiB")
    } else {
        format!("{bytes} B")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes() {
        assert_eq!(size(512), "512 B");
        assert_eq!(size(64 * 1024), "64 KiB");
        assert_eq!(size(8 * 1024 * 1024), "8 MiB");
        assert_eq!(size(1_572_864), "1.5 MiB");
    }

    #[test]
    fn durations_for_people() {
        assert_eq!(duration_ms(412), "412ms");
        assert_eq!(duration_ms(3240), "3.2s");
        assert_eq!(duration_ms(125_000), "2m05s");
        assert_eq!(duration(Some(412)), "412ms");
        assert_eq!(duration(Some(3240)), "3.2s");
        assert_eq!(duration(Some(125_000)), "2m05s");
        assert_eq!(duration(None), "-");
    }

    #[test]
    fn counts_for_people() {
        assert_eq!(count(950), "950");
        assert_eq!(count(12_345), "12.3k");
        assert_eq!(count(2_500_000), "2.5M");
    }
}

//! The `--max-cost` budget: a request starts only when what was spent, plus
//! the worst case of every request in flight, plus its own worst case,
//! stays within the limit. So the limit holds however many requests run at
//! once, whatever they end up costing within their worst case.

use rust_decimal::Decimal;

#[derive(Clone, Debug, PartialEq)]
pub struct Budget {
    limit_usd: Option<Decimal>,
    spent_usd: Decimal,
    reserved_usd: Decimal,
}

/// Whether a request may start now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Admission {
    Start,
    /// It would fit once requests in flight finish: wait.
    Wait,
    /// It can never fit (the spent money alone leaves too little): skip it.
    Never,
}

impl Budget {
    pub fn new(limit_usd: Option<Decimal>) -> Budget {
        Budget {
            limit_usd,
            spent_usd: Decimal::ZERO,
            reserved_usd: Decimal::ZERO,
        }
    }

    pub fn limit_usd(&self) -> Option<Decimal> {
        self.limit_usd
    }

    pub fn spent_usd(&self) -> Decimal {
        self.spent_usd
    }

    /// Reserves `worst_usd` when it fits. A request whose worst case is
    /// unknown is only admitted without a limit.
    pub fn admit(&mut self, worst_usd: Decimal) -> Admission {
        let Some(limit) = self.limit_usd else {
            self.reserved_usd += worst_usd;
            return Admission::Start;
        };
        let committed = self.spent_usd.saturating_add(worst_usd);
        if committed > limit {
            return Admission::Never;
        }
        if committed.saturating_add(self.reserved_usd) > limit {
            return Admission::Wait;
        }
        self.reserved_usd += worst_usd;
        Admission::Start
    }

    /// A request admitted with `worst_usd` finished having cost `spent_usd`.
    pub fn settle(&mut self, worst_usd: Decimal, spent_usd: Decimal) {
        self.reserved_usd = (self.reserved_usd - worst_usd).max(Decimal::ZERO);
        self.spent_usd = self.spent_usd.saturating_add(spent_usd);
    }

    /// A request admitted with `worst_usd` did not run after all.
    pub fn release(&mut self, worst_usd: Decimal) {
        self.settle(worst_usd, Decimal::ZERO);
    }

    /// Spent plus reserved: never above the limit.
    pub fn committed_usd(&self) -> Decimal {
        self.spent_usd + self.reserved_usd
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn usd(cents: i64) -> Decimal {
        Decimal::new(cents, 2)
    }

    #[test]
    fn admits_waits_and_refuses() {
        let mut budget = Budget::new(Some(usd(100)));
        assert_eq!(budget.admit(usd(40)), Admission::Start);
        assert_eq!(budget.admit(usd(40)), Admission::Start);
        // 80 reserved: another 40 must wait for one to finish.
        assert_eq!(budget.admit(usd(40)), Admission::Wait);
        budget.settle(usd(40), usd(10));
        assert_eq!(budget.admit(usd(40)), Admission::Start);
        budget.settle(usd(40), usd(40));
        budget.settle(usd(40), usd(40));
        // 90 spent: 20 can never fit, 10 can.
        assert_eq!(budget.admit(usd(20)), Admission::Never);
        assert_eq!(budget.admit(usd(10)), Admission::Start);
        assert_eq!(budget.committed_usd(), usd(100));
    }

    #[test]
    fn no_limit_always_starts() {
        let mut budget = Budget::new(None);
        assert_eq!(budget.admit(usd(1_000_000)), Admission::Start);
    }

    proptest! {
        /// Whatever the worst cases and the order requests finish in,
        /// spent plus in-flight worst cases never passes the limit, as
        /// long as each request costs at most its worst case.
        #[test]
        fn the_limit_is_never_passed(
            limit in 1i64..500,
            requests in prop::collection::vec((1i64..120, 0u8..=100), 1..60),
            finish_order in prop::collection::vec(any::<prop::sample::Index>(), 60),
        ) {
            let mut budget = Budget::new(Some(usd(limit)));
            let mut in_flight: Vec<(Decimal, Decimal)> = Vec::new();
            let mut order = finish_order.iter();
            for (worst, share) in requests {
                let worst = usd(worst);
                let actual = worst * Decimal::from(share) / Decimal::from(100);
                loop {
                    match budget.admit(worst) {
                        Admission::Start => { in_flight.push((worst, actual)); break; }
                        Admission::Never => break,
                        Admission::Wait => {
                            prop_assert!(!in_flight.is_empty(), "waits only on requests in flight");
                            let index = order.next().map_or(0, |i| i.index(in_flight.len()));
                            let (w, a) = in_flight.remove(index);
                            budget.settle(w, a);
                        }
                    }
                    prop_assert!(budget.committed_usd() <= usd(limit));
                }
                prop_assert!(budget.committed_usd() <= usd(limit));
            }
            for (w, a) in in_flight.drain(..) {
                budget.settle(w, a);
            }
            prop_assert!(budget.spent_usd() <= usd(limit));
        }
    }
}

//! Business logic of `checkout`.
//!
//! Created once by msaforge and never overwritten: this file is yours. Override
//! the [`Handlers`] operations you implement; the others answer 501.

use crate::generated::{ApiError, GetLoanParams, Handlers, Loan};

/// Your service state (database pools, caches, ...). Built with `Default` in `main.rs`.
#[derive(Debug, Default)]
pub struct Service {}

impl Handlers for Service {
    async fn get_loan(&self, params: GetLoanParams) -> Result<Loan, ApiError> {
        tracing::info!(loan_id = %params.loan_id, "looking up loan");
        Ok(Loan {
            loan_id: params.loan_id,
            item_id: "item-42".to_owned(),
            borrower_id: "borrower-7".to_owned(),
            due_date: "2026-12-01".to_owned(),
            status: "active".to_owned(),
        })
    }
}

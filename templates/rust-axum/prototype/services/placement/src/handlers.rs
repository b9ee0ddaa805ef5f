//! Business logic of `placement`.
//!
//! Created once by msaforge and never overwritten: this file is yours. Override
//! the [`Handlers`] operations you implement; the others answer 501.

use crate::generated::{ApiError, ClientError, Clients, GetLoanPlacementParams, Handlers, LoanPlacement};

/// Your service state (database pools, caches, ...). Built with `Default` in `main.rs`.
#[derive(Debug, Default)]
pub struct Service {
    clients: Clients,
}

impl Handlers for Service {
    async fn get_loan_placement(&self, params: GetLoanPlacementParams) -> Result<LoanPlacement, ApiError> {
        let loan = match self.clients.checkout.get_loan(&params.loan_id).await {
            Ok(loan) => loan,
            Err(ClientError::Status(404)) => {
                return Err(ApiError::not_found(format!("loan {} does not exist", params.loan_id)));
            }
            Err(err) => return Err(err.into()),
        };
        tracing::info!(loan_id = %loan.loan_id, item_id = %loan.item_id, "loan fetched from checkout");

        Ok(LoanPlacement {
            loan_id: loan.loan_id,
            item_id: loan.item_id,
            loan_status: loan.status,
            due_date: loan.due_date,
            shelf_id: "S-12".to_owned(),
            aisle: "C".to_owned(),
            position: 4,
        })
    }
}

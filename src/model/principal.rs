//! Principals: the users and service accounts of the org, the only things a query is asked about.
//!
//! Service accounts are users to the model (spec §4.1 rule 7): they sit in groups and ACLs exactly as a
//! person does. The kind is kept only so that a UI can label them.

/// Whether a principal is a person or a service account.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum PrincipalKind {
    /// A person, from the snapshot's `users`.
    User,
    /// A service account, from the snapshot's `service_accounts`.
    ServiceAccount,
}

impl PrincipalKind {
    /// `"user"` or `"service_account"`.
    pub fn as_str(self) -> &'static str {
        match self {
            PrincipalKind::User => "user",
            PrincipalKind::ServiceAccount => "service_account",
        }
    }
}

/// A member of the org, as listed by [`crate::Snapshot::principals`].
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub struct Principal<'s> {
    /// The user id or service-account id.
    pub id: &'s str,
    /// Person or service account.
    pub kind: PrincipalKind,
}

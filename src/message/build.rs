//! MIME building (RFC 5322 / MIME) from the model.

//! MIME parsing into the model.

//! Comment threads beside a section's text, open-thread counts, and the inbox.

//! Files in and out of the desk, the way French spreadsheets write and read them: CSV reading (encodings,
//! separators, headers), exports for ASPASIE, MADRHAS and the archives, and the backup of the whole database.

pub mod backup;
pub mod csv;
pub mod export;
pub mod import;

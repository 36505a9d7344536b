/// The readers the twins ingest with live in VoxDocuments; users of VoxTwins see them as before.
@_exported import VoxDocuments

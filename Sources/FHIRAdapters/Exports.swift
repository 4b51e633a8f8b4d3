// FHIR documents are read as JSONNode; everyone who reads FHIR through the adapters sees it too.
@_exported import JSONKit

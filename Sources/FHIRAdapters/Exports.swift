// FHIR documents are read as JSONValue; everyone who reads FHIR through the adapters sees it too.
@_exported import JSONKit

import Testing

@testable import FHIRClient

/// A section's search turned into "anything changed since?": its filters kept in order, its sort
/// and page size replaced by `_lastUpdated=gt…&_count=1`.
@Suite struct ChangedSinceTests {
    let since = "2026-12-04T01%3A00%3A00Z"

    @Test func filtersAreKeptAndSortAndCountReplaced() {
        let url = "Observation?patient=contos-0001&category=vital-signs&_sort=-date&_count=200"
        #expect(
            FHIRConnection.changedSince(url, since: since)
                == "Observation?patient=contos-0001&category=vital-signs&_lastUpdated=gt\(since)&_count=1")
        #expect(
            FHIRConnection.changedSince("Encounter?_sort:desc=date&patient=p&_count=50", since: since)
                == "Encounter?patient=p&_lastUpdated=gt\(since)&_count=1")
    }

    @Test func aSearchWithoutParametersOrWithEmptyOnesStillAsksOnlyWhatChanged() {
        #expect(FHIRConnection.changedSince("Coverage", since: since) == "Coverage?_lastUpdated=gt\(since)&_count=1")
        #expect(
            FHIRConnection.changedSince("Coverage?&beneficiary=p&&", since: since)
                == "Coverage?beneficiary=p&_lastUpdated=gt\(since)&_count=1")
        // `_counter` is not `_count`: only the exact parameter is replaced.
        #expect(
            FHIRConnection.changedSince("X?_counter=2&_count=9", since: since)
                == "X?_counter=2&_lastUpdated=gt\(since)&_count=1")
    }
}

import XCTest
@testable import RectifyServer

/// The cache of what a scope's viewers share (issue 11 §4): pages of single tasks are many,
/// so a full cache lets go of what nobody asked for lately, not of everything.
final class AggregateCacheTests: XCTestCase {
    func testGivenAFullCache_whenAnotherEntryComes_thenTheOnesUsedLatelyStay() async throws {
        let cache = AggregateCache(capacity: 4)
        // Given four entries, the first of them asked for again,
        for key in ["dashboard", "a", "b", "c"] { _ = try await cache.value(key, marker: "1") { key } }
        _ = try await cache.value("dashboard", marker: "1") { "computed again" }
        // when a fifth comes,
        _ = try await cache.value("d", marker: "1") { "d" }
        // then the one asked for lately is still an answer, and the oldest unused one is gone.
        let dashboard = try await cache.value("dashboard", marker: "1") { "computed again" }
        XCTAssertEqual(dashboard, "dashboard")
        let a = try await cache.value("a", marker: "1") { "computed again" }
        XCTAssertEqual(a, "computed again")
        XCTAssertLessThanOrEqual(cache.count, 4)
    }

    func testGivenEntriesOfAnEarlierMarker_whenTheCacheIsFull_thenTheyGoFirst() async throws {
        let cache = AggregateCache(capacity: 4)
        // Given two entries of the data as it was and two as it is, the old ones used last,
        for key in ["new1", "new2"] { _ = try await cache.value(key, marker: "2") { key } }
        for key in ["old1", "old2"] { _ = try await cache.value(key, marker: "1") { key } }
        // when one more of the data as it is comes,
        _ = try await cache.value("new3", marker: "2") { "new3" }
        // then the entries of the data as it was are gone and those of today's all stay.
        XCTAssertEqual(cache.count, 3)
        for key in ["new1", "new2", "new3"] {
            let v = try await cache.value(key, marker: "2") { "computed again" }
            XCTAssertEqual(v, key)
        }
    }

    func testGivenAFullCache_whenAComputationStartedBeforeAWriteFinishesLate_thenTheCurrentEntriesStay() async throws {
        let cache = AggregateCache(capacity: 4)
        // Given a computation that read the data before a write and finishes after it,
        async let late: String = cache.value("late", marker: "1") {
            try await Task.sleep(nanoseconds: 200_000_000)
            return "late"
        }
        try await Task.sleep(nanoseconds: 20_000_000)
        // and a full cache of the data as it is now,
        for key in ["new1", "new2", "new3", "new4"] { _ = try await cache.value(key, marker: "2") { key } }
        // when the late one is kept,
        _ = try await late
        // then it costs at most one of the current entries, not all of them.
        var kept = 0
        for key in ["new1", "new2", "new3", "new4"] {
            let v = try await cache.value(key, marker: "2") { "computed again" }
            if v == key { kept += 1 }
        }
        XCTAssertGreaterThanOrEqual(kept, 3)
    }
}

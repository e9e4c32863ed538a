import XCTest
import NIOConcurrencyHelpers
import XCTVapor
import RectifyCore
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
        let late = await begin(cache, "late", marker: "1", answering: "late")
        // and a full cache of the data as it is now,
        for key in ["new1", "new2", "new3", "new4"] { _ = try await cache.value(key, marker: "2") { key } }
        // when the late one is kept,
        _ = try await late()
        // then it costs at most one of the current entries, not all of them.
        var kept = 0
        for key in ["new1", "new2", "new3", "new4"] {
            let v = try await cache.value(key, marker: "2") { "computed again" }
            if v == key { kept += 1 }
        }
        XCTAssertGreaterThanOrEqual(kept, 3)
    }

    func testGivenReadersAskingAllTheTime_whenAWriteCommits_thenEveryoneAskingAfterItSeesIt() async throws {
        try await withApp { app in
            let f = try await Fixture(app, state: .inProgress)
            // Given readers of the change marker asking without pause,
            let stop = NIOLockedValueBox(false)
            let readers = Task {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for _ in 0..<8 {
                        group.addTask { while !stop.withLockedValue({ $0 }) { _ = try await app.markerReads.read(on: app.db) } }
                    }
                    try await group.waitForAll()
                }
            }
            for i in 0..<15 {
                // when a write commits,
                let before = try await AggregateCache.marker(on: app.db)
                _ = try await f.expect(.created, .POST, "/api/v1/tasks/\(f.taskID)/reports", as: "responsible",
                                       #"{"narrative":"第\#(i)次","percent":\#(i)}"#)
                // then a reader asking after it is answered by a statement that saw it, not one begun before.
                let read = try await app.markerReads.read(on: app.db)
                XCTAssertNotEqual(read, before, "write \(i)")
            }
            stop.withLockedValue { $0 = true }
            try await readers.value
            // And the readers shared statements: fewer statements than answers.
            XCTAssertLessThan(app.markerReads.statements, app.markerReads.answered)
        }
    }

    func testGivenAStatementUnderWay_whenSomeoneAsksAfterAWrite_thenANewStatementAnswersThem() async throws {
        try await withApp { app in
            // A statement that reads the data's version as it begins and finishes when the test says.
            let version = NIOLockedValueBox(1)
            let held = NIOLockedValueBox<[CheckedContinuation<Void, Never>]>([])
            let reads = MarkerReads { _ in
                let v = version.withLockedValue { $0 }
                await withCheckedContinuation { c in held.withLockedValue { $0.append(c) } }
                return String(v)
            }
            func finish(_ n: Int) async {
                while held.withLockedValue({ $0.count }) <= n { try? await Task.sleep(nanoseconds: 1_000_000) }
                held.withLockedValue { $0[n] }.resume()
            }
            // Given a reader whose statement began before a write,
            async let first = reads.read(on: app.db)
            while held.withLockedValue({ $0.isEmpty }) { try? await Task.sleep(nanoseconds: 1_000_000) }
            version.withLockedValue { $0 = 2 }
            // when another asks after the write (while that statement is still under way),
            async let second = reads.read(on: app.db)
            while reads.waiting < 1 { try? await Task.sleep(nanoseconds: 1_000_000) }
            await finish(0)
            await finish(1)
            // then the first is answered by its statement and the second by one begun after it asked.
            let (a, b) = try await (first, second)
            XCTAssertEqual(a, "1")
            XCTAssertEqual(b, "2")
            XCTAssertEqual(reads.statements, 2)
        }
    }

    func testGivenAnAnswerForTheDataAsItIs_whenAnOlderComputationFinishesLate_thenTheAnswerStays() async throws {
        let cache = AggregateCache(capacity: 8)
        // Given a computation begun on the data before a write,
        let late = await begin(cache, "page", marker: "1", answering: "before the write")
        // and the answer for the data after it kept,
        _ = try await cache.value("page", marker: "2") { "after the write" }
        // when the older computation finishes,
        _ = try await late()
        // then the next reader of the data as it is still gets the kept answer, without computing it again.
        let v = try await cache.value("page", marker: "2") { "computed again" }
        XCTAssertEqual(v, "after the write")
    }

    /// A computation of `key` begun on the data at `marker` (it has looked the cache up and is under
    /// way), held until the returned function finishes it and gives its answer.
    private func begin(_ cache: AggregateCache, _ key: String, marker: String,
                       answering answer: String) async -> @Sendable () async throws -> String {
        let gate = NIOLockedValueBox<CheckedContinuation<Void, Never>?>(nil)
        let task = Task {
            try await cache.value(key, marker: marker) { () async -> String in
                await withCheckedContinuation { c in gate.withLockedValue { $0 = c } }
                return answer
            }
        }
        while gate.withLockedValue({ $0 == nil }) { try? await Task.sleep(nanoseconds: 1_000_000) }
        return {
            gate.withLockedValue { $0 }?.resume()
            return try await task.value
        }
    }
}

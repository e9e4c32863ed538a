import Fluent
import XCTVapor
import RectifyCore
@testable import RectifyServer

/// Many people at once: nothing fails for being concurrent, nothing is overwritten
/// silently, and the audit chain stays one chain.
final class ConcurrencyTests: XCTestCase {
    func testConcurrentWritesAllLandAndTheChainHolds() async throws {
        try await withApp { app in
            let f = try await Fixture(app, state: .inProgress)
            let cookie = try await f.cookie("responsible")!
            let statuses = try await withThrowingTaskGroup(of: HTTPStatus.self) { group in
                for i in 0..<24 {
                    group.addTask {
                        var status = HTTPStatus.internalServerError
                        try await app.test(.POST, "/api/v1/tasks/\(f.taskID)/reports", beforeRequest: { req in
                            req.signIn(cookie)
                            req.headers.contentType = .json
                            req.body = ByteBuffer(string: #"{"narrative":"第\#(i)次报送","percent":\#(i)}"#)
                        }, afterResponse: { res async in status = res.status })
                        return status
                    }
                }
                var all: [HTTPStatus] = []
                for try await s in group { all.append(s) }
                return all
            }
            XCTAssertEqual(statuses.filter { $0 == .created }.count, 24, "\(statuses)")
            let reports = try await ProgressReport.query(on: app.db).count()
            XCTAssertEqual(reports, 24)
            let chain = try await Audit.verify(on: app.db)
            XCTAssertNil(chain.firstBroken)
            // Every report is audited, beside the day's recompute of the lights (StatusFreshness).
            let recomputes = try await AuditEvent.query(on: app.db).filter(\.$action == "task.recompute").count()
            XCTAssertEqual(chain.checked, 24 + recomputes)
        }
    }

    func testOfManyEditsFromTheSameVersionExactlyOneWins() async throws {
        try await withApp { app in
            let f = try await Fixture(app, state: .inProgress)
            let cookie = try await f.cookie("office")!
            let version = try await f.task.version
            let statuses = try await withThrowingTaskGroup(of: HTTPStatus.self) { group in
                for i in 0..<12 {
                    group.addTask {
                        var status = HTTPStatus.internalServerError
                        try await app.test(.PATCH, "/api/v1/tasks/\(f.taskID)", beforeRequest: { req in
                            req.signIn(cookie)
                            req.headers.contentType = .json
                            req.body = ByteBuffer(string: #"{"version":\#(version),"measures":"修改\#(i)"}"#)
                        }, afterResponse: { res async in status = res.status })
                        return status
                    }
                }
                var all: [HTTPStatus] = []
                for try await s in group { all.append(s) }
                return all
            }
            XCTAssertEqual(statuses.filter { $0 == .ok }.count, 1, "\(statuses)")
            XCTAssertEqual(statuses.filter { $0 == .conflict }.count, 11, "\(statuses)")
            let task = try await f.task
            XCTAssertEqual(task.version, version + 1)
        }
    }
}

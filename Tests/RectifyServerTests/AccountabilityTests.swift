import Fluent
import Foundation
import XCTVapor
import RectifyCore
@testable import RectifyServer

/// The accountability register (issue 13 §4): discipline inspection writes it, the office
/// and leaders read it, everyone else sees counts without names.
final class AccountabilityTests: XCTestCase {
    func testOnlyDisciplineWritesTheOfficeAndLeadersReadAndOthersSeeCountsOnly() async throws {
        try await withApp { app in
            let f = try await Fixture(app, state: .inProgress)
            let lead = try await f.expect(.created, .POST, "/api/v1/accountability-cases", as: "discipline",
                                          #"{"inspectionID":\#(f.inspectionID),"source":"team","summary":"某县未按期完成整改,虚报进展","receivedOn":"2018-02-01","taskIDs":[\#(f.taskID)]}"#)
            let id = lead.id
            _ = try await f.expect(.created, .POST, "/api/v1/accountability-cases/\(id)/people", as: "discipline",
                                   #"{"name":"张某","post":"副县长","rank":"division","organisation":"某县人民政府","measure":"partyDiscipline","decidedOn":"2018-02-25"}"#)
            _ = try await f.expect(.created, .POST, "/api/v1/accountability-cases/\(id)/people", as: "discipline",
                                   #"{"name":"李某","post":"局长","rank":"section","organisation":"某县生态环境局","measure":"admonition","decidedOn":"2018-02-26"}"#)
            // A date in the future, or a blank name, changes nothing.
            let future = try await f.expect(.unprocessableEntity, .POST, "/api/v1/accountability-cases/\(id)/people", as: "discipline",
                                            #"{"name":" ","post":"x","rank":"other","organisation":"x","measure":"talk","decidedOn":"2030-01-01"}"#)
            XCTAssertTrue(future.body.contains("accountability.future") && future.body.contains("accountability.nameInvalid"), future.body)
            for login in ["office", "leader", "discipline", "admin"] {
                let detail = try await f.expect(.ok, .GET, "/api/v1/accountability-cases/\(id)", as: login)
                XCTAssertTrue(detail.body.contains("张某"), login)
                XCTAssertEqual((detail.json["people"] as? [Any])?.count, 2)
            }
            _ = try await f.expect(.forbidden, .POST, "/api/v1/accountability-cases", as: "office",
                                   #"{"inspectionID":\#(f.inspectionID),"source":"team","summary":"x","receivedOn":"2018-02-01"}"#)
            for login in ["responsible", "acceptor", "stranger", "foreignOffice"] {
                _ = try await f.expect(.notFound, .GET, "/api/v1/accountability-cases/\(id)", as: login)
                let list = try await f.expect(.ok, .GET, "/api/v1/accountability-cases", as: login)
                XCTAssertEqual(list.json["total"] as? Int, 0, login)
                let counts = try await f.expect(.ok, .GET, "/api/v1/accountability-cases/counts?inspection=\(f.inspectionID)", as: login)
                XCTAssertEqual(counts.json["people"] as? Int, 2)
                XCTAssertEqual((counts.json["byMeasure"] as? [String: Int])?["partyDiscipline"], 1)
                XCTAssertFalse(counts.body.contains("张某"))
            }
            _ = try await f.expect(.unauthorized, .GET, "/api/v1/accountability-cases/counts", as: "anonymous")
            // The register's page: discipline lands on it with its forms; a leader reads it.
            let home = try await f.expect(.ok, .GET, "/", as: "discipline")
            XCTAssertTrue(home.body.contains("<h1>责任追究</h1>"))
            XCTAssertTrue(home.body.contains("登记问题线索"))
            let leader = try await f.expect(.ok, .GET, "/accountability", as: "leader")
            XCTAssertTrue(leader.body.contains("张某"))
            XCTAssertFalse(leader.body.contains("登记问题线索"))
            let events = try await AuditEvent.query(on: app.db).filter(\.$action ~~ ["accountability.create", "accountability.person"]).count()
            XCTAssertEqual(events, 3)
        }
    }
}

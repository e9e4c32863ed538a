import Fluent
import SQLKit
import XCTVapor
import RectifyCore
@testable import RectifyServer

final class MigrationTests: XCTestCase {
    func testMigrationsCreateTheSchemaAndShipTheRegionCatalogue() async throws {
        try await withApp { app in
            let count = try await Region.query(on: app.db).count()
            XCTAssertEqual(count, RegionCatalog.all.count)
            let provinces = try await Region.query(on: app.db).filter(\.$level == .province).count()
            XCTAssertEqual(provinces, 34)
            let liaoningCities = try await Region.query(on: app.db)
                .filter(\.$parent.$id == 210000).filter(\.$level == .city).all().map(\.name)
            XCTAssertEqual(liaoningCities.count, 14)
            XCTAssertTrue(liaoningCities.contains("葫芦岛市"))
            let xingcheng = try await Region.find(211481, on: app.db)
            XCTAssertEqual(xingcheng?.$parent.id, 211400)
        }
    }

    func testMigrationsRevertCleanlyAndApplyAgain() async throws {
        try await withApp { app in
            try await app.autoRevert()
            let sql = try XCTUnwrap(app.db as? any SQLDatabase)
            let probe: () async throws -> Void = { try await sql.raw("SELECT COUNT(*) FROM tasks").run() }
            do {
                try await probe()
                XCTFail("tasks should be gone after reverting")
            } catch {}
            try await app.autoMigrate()
            try await probe()
            let regions = try await Region.query(on: app.db).count()
            XCTAssertEqual(regions, RegionCatalog.all.count)
        }
    }

    func testForeignKeysAreEnforcedByTheDatabase() async throws {
        try await withApp { app in
            let orphan = Unit(UnitDraft(name: "不存在地区的单位", kind: .department, regionCode: 999_999))
            do {
                try await orphan.create(on: app.db)
                XCTFail("a unit in a region that does not exist must be refused")
            } catch {}
            let units = try await Unit.query(on: app.db).count()
            XCTAssertEqual(units, 0)
        }
    }

    func testTaskNumbersAreUniqueInTheDatabaseToo() async throws {
        try await withApp { app in
            let inspection = Inspection(InspectionDraft(title: "t", level: .central, round: 1, kind: .routine,
                                                        team: "组", targetRegionCode: 210000))
            try await inspection.create(on: app.db)
            let draft = TaskDraft(number: 1, title: "任务", kind: .longTerm, deadline: nil, assignments: [])
            try await TaskRecord(inspectionID: inspection.id!, draft, state: .assigned, remarks: "").create(on: app.db)
            do {
                try await TaskRecord(inspectionID: inspection.id!, draft, state: .assigned, remarks: "").create(on: app.db)
                XCTFail("a second task numbered 1 in the same inspection must be refused")
            } catch {}
        }
    }

    func testSQLiteRunsInWriteAheadLogMode() async throws {
        try XCTSkipIf(TestDatabase.isPostgres, "journal modes are SQLite's")
        try await withApp { app in
            struct Mode: Decodable { let journal_mode: String }
            let sql = try XCTUnwrap(app.db as? any SQLDatabase)
            let mode = try await sql.raw("PRAGMA journal_mode").first(decoding: Mode.self)
            XCTAssertEqual(mode?.journal_mode, "wal")
        }
    }
}

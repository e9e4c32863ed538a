import Fluent
import XCTVapor
import RectifyCore
@testable import RectifyServer

final class LedgerExportTests: XCTestCase {
    func rows(_ csv: String) -> [[String]] {
        // A small RFC 4180 reader, enough to read back what we wrote.
        var rows: [[String]] = [], row: [String] = [], cell = "", quoted = false
        var chars = Array(csv.hasPrefix("\u{FEFF}") ? String(csv.dropFirst()) : csv)
        chars.append("\r\n")
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if quoted {
                if c == "\"" { if i + 1 < chars.count, chars[i + 1] == "\"" { cell.append("\""); i += 1 } else { quoted = false } }
                else { cell.append(c) }
            } else if c == "\"" { quoted = true }
            else if c == "," { row.append(cell); cell = "" }
            else if c == "\r\n" || c == "\n" {
                if !(row.isEmpty && cell.isEmpty) { row.append(cell); rows.append(row) }
                row = []; cell = ""
            } else { cell.append(c) }
            i += 1
        }
        return rows
    }

    func testTheLedgerExportsInTheStandardColumnsWithinTheUsersScope() async throws {
        try await withApp(demo: true) { app in
            let office = try await app.sessionCookie(login: "office", password: "office-demo")
            var csv = ""
            try await app.test(.GET, "/api/v1/tasks/export.csv?inspection=2", beforeRequest: { $0.signIn(office) }) { res async in
                XCTAssertEqual(res.status, .ok)
                csv = res.body.string
            }
            // The Liaoning office sees nothing of Shanxi's inspection.
            XCTAssertEqual(rows(csv).count, 1)
            let admin = try await app.sessionCookie(login: "admin", password: "admin-demo")
            try await app.test(.GET, "/api/v1/tasks/export.csv?inspection=2", beforeRequest: { $0.signIn(admin) }) { res async in
                XCTAssertEqual(res.headers.first(name: .contentType), "text/csv; charset=utf-8")
                csv = res.body.string
            }
            XCTAssertTrue(csv.hasPrefix("\u{FEFF}序号,反馈问题,整改任务"))
            let table = rows(csv)
            XCTAssertEqual(table[0], LedgerColumns.headers)
            XCTAssertEqual(table.count, 1 + 24)
            let t37 = try XCTUnwrap(table.first { $0[0] == "37" })
            XCTAssertTrue(t37[1].hasPrefix("三十七、晋中市太榆退水渠"), t37[1])
            XCTAssertEqual(t37[2], "晋中市太榆退水渠、潇河等河流污染治理")
            XCTAssertEqual(t37[5], "晋中市人民政府")
            XCTAssertEqual(t37[8], "山西省环境保护厅")
            XCTAssertEqual(t37[10], "2018年12月31日")
            // The report said 正在推进整改 in 2018; recomputed for today, past its deadline, it is behind.
            XCTAssertEqual(t37[14], app.clock.today > LocalDate(iso: "2018-12-31")! ? "未达到序时进度" : "正在推进整改")
            let t40 = try XCTUnwrap(table.first { $0[0] == "40" })
            XCTAssertEqual(t40[5], "太原市人民政府、晋中市人民政府、吕梁市人民政府、临汾市人民政府")
            XCTAssertEqual(t40[10], "2020年12月31日")
        }
    }

    func testNarrativesMilestonesAndExtensionsAppearAndTheCLIWritesTheSame() async throws {
        try await withApp { app in
            let f = try await Fixture(app, state: .inProgress)
            let report = try await f.expect(.created, .POST, "/api/v1/tasks/\(f.taskID)/reports", as: "responsible",
                #"{"narrative":"完成方案起草,征求意见\"12\"份","percent":40,"milestonesReached":[\#(f.milestoneID)]}"#).id
            try await f.expect(.ok, .POST, "/api/v1/reports/\(report)/review", as: "office", #"{"decision":"accept"}"#)
            let e = try await f.expect(.created, .POST, "/api/v1/tasks/\(f.taskID)/extensions", as: "responsible",
                                       #"{"deadline":"2019-06-30","reason":"冬季停工"}"#).id
            try await f.expect(.ok, .POST, "/api/v1/extensions/\(e)/decision", as: "office", #"{"approve":true}"#)
            let csv = try await f.expect(.ok, .GET, "/api/v1/tasks/export.csv", as: "cooperating").body
            let row = try XCTUnwrap(rows(csv).last)
            XCTAssertEqual(row[10], "2019年6月30日")
            XCTAssertEqual(row[11], "2018年12月31日")
            XCTAssertEqual(row[12], "2018年6月30日:完成方案起草(已完成)")
            XCTAssertEqual(row[13], "完成方案起草,征求意见\"12\"份")
            XCTAssertEqual(row[6], "葫芦岛市人民政府")

            let path = FileManager.default.temporaryDirectory.appendingPathComponent("ledger-\(UUID().uuidString).csv").path
            _ = try await runCommand(ExportCommand(), ["--output", path], on: app)
            let written = try String(contentsOfFile: path, encoding: .utf8)
            XCTAssertEqual(rows(written), rows(csv))
        }
    }
}

import Fluent
import Foundation
import Plot
import SQLKit
import Vapor
import RectifyCore
import RectifyOffice

/// A batch's 办理情况一览表 (issue 13 §2) as XLSX or printable HTML: for the office and
/// leaders every case they may read; for the public, on the portal, only the cases
/// whose handling is done (办结 or 阶段性办结). Never the complainant.
enum HandlingListExport {
    static func cases(batchID: Int, access: Access?, on db: any Database) async throws -> [HandlingList.Case] {
        guard let sql = db as? any SQLDatabase else { throw Abort(.internalServerError) }
        let scope: SQLQueryString = access.map { PetitionAccess(access: $0).scope }
            ?? "c.status IN (\(binds: PetitionStatus.handled.map(\.rawValue)))"
        struct Row: Decodable {
            let case_number: String; let complaint: String; let region: String?; let pollution_kinds: String; let findings: String
            let finding: String?; let measures: String; let summoned: Int; let held_to_account: Int; let status: String
            let ordered_rectification: Bool
        }
        return try await sql.raw("""
            SELECT c.case_number, c.complaint, r.name AS region, c.pollution_kinds, c.findings, c.finding, c.measures, \
            c.summoned, c.held_to_account, c.status, c.ordered_rectification FROM petition_cases c LEFT JOIN regions r ON r.code = c.region_code \
            WHERE c.batch_id = \(bind: batchID) AND \(scope) ORDER BY c.id
            """).all(decoding: Row.self).map { r in
                HandlingList.Case(caseNumber: r.case_number, complaint: r.complaint, region: r.region ?? "",
                                  kinds: r.pollution_kinds.split(separator: ",").compactMap { PollutionKind(rawValue: String($0)) },
                                  findings: r.findings, finding: r.finding.flatMap(PetitionFinding.init(rawValue:)), measures: r.measures,
                                  summoned: r.summoned, heldToAccount: r.held_to_account,
                                  status: PetitionStatus(rawValue: r.status) ?? .pending,
                                  orderedRectification: r.ordered_rectification)
            }
    }

    static let widths = [6, 20, 50, 12, 12, 40, 10, 50, 16]

    static func title(_ b: PetitionBatch, _ inspection: Inspection) -> String {
        "\(inspection.title)交办第\(b.number)批信访举报件办理情况一览表"
    }

    /// GET /api/v1/petition-batches/{id}/handling-list?format=xlsx|html
    static func download(req: Request) async throws -> Response {
        let access = try await req.access()
        let id = try req.intParameter("id")
        guard try await PetitionAPI.batches(access, batchID: id, on: req.db).first != nil,
              let batch = try await PetitionBatch.find(id, on: req.db),
              let inspection = try await Inspection.find(batch.$inspection.id, on: req.db) else { throw AppError.notFound }
        let rows = try await cases(batchID: id, access: access, on: req.db)
        return try await respond(req, format: (try? req.query.get(String.self, at: "format")) ?? "xlsx",
                                 title: title(batch, inspection), rows: rows, context: PageContext(req))
    }

    /// The list as an XLSX file at `url`; nothing is left there if writing fails.
    static func writeXLSX(_ rows: [HandlingList.Case], to url: URL) throws {
        let writer = try XLSXWriter(sheetName: "办理情况一览表", columnWidths: widths)
        try writer.header(HandlingList.headers)
        for (i, c) in rows.enumerated() {
            let cells = HandlingList.row(i + 1, c)
            try writer.append([.number(i + 1)] + cells.dropFirst().map { .text($0) })
        }
        do { try writer.finish(to: url) } catch {
            try? FileManager.default.removeItem(at: url)
            throw error
        }
    }

    static func respond(_ req: Request, format: String, title: String, rows: [HandlingList.Case], context: PageContext) async throws -> Response {
        switch format {
        case "html":
            return HandlingListView(context: context, heading: title, rows: rows).response()
        case "xlsx":
            let url = FileManager.default.temporaryDirectory.appendingPathComponent("rectify-handling-\(UUID().uuidString).xlsx")
            try writeXLSX(rows, to: url)
            let response = try await req.fileio.asyncStreamFile(at: url.path, onCompleted: { _ in try? FileManager.default.removeItem(at: url) })
            response.headers.replaceOrAdd(name: .contentType, value: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
            let name = (title + ".xlsx").addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "handling.xlsx"
            response.headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename*=UTF-8''\(name)")
            return response
        default:
            throw AppError(status: .badRequest, code: "badFormat", message: "format 应为 xlsx 或 html")
        }
    }

    /// /public/petition-batches/{id}: the handled cases of a batch of a published inspection.
    static func publicPage(req: Request) async throws -> Response {
        let id = try req.intParameter("id")
        guard let batch = try await PetitionBatch.find(id, on: req.db),
              let inspection = try await Inspection.find(batch.$inspection.id, on: req.db) else { throw AppError.notFound }
        let rows = try await cases(batchID: id, access: nil, on: req.db)
        guard !rows.isEmpty else { throw AppError.notFound }
        return HandlingListView(context: PageContext(req, section: .portal), heading: title(batch, inspection), rows: rows).response()
    }
}

struct HandlingListView: PageView {
    let context: PageContext
    let heading: String
    let rows: [HandlingList.Case]
    var title: String { heading }

    var content: Node<HTML.BodyContext> {
        .div(
            .h1(.words(heading)),
            .p(.words("共 \(rows.count) 件;办结 \(rows.filter { $0.status == .concluded }.count) 件,阶段性办结 \(rows.filter { $0.status == .concludedStage }.count) 件。")),
            .div(.class("scroll"), .table(.class("ledger"),
                .thead(.tr(.forEach(HandlingList.headers) { .th(.words($0)) })),
                .tbody(.forEach(Array(rows.enumerated())) { i, c in
                    .tr(.forEach(HandlingList.row(i + 1, c)) { .td(.class("pre"), .words($0)) })
                })))
        )
    }
}

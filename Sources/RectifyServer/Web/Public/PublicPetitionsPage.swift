import Fluent
import Plot
import SQLKit
import Vapor
import RectifyCore

/// 群众信访举报件办理情况 on the portal (issue 13 §5): an inspection's overall counts, each
/// batch with a link to its published 一览表, and the people held to account by measure.
/// Counts only: no complainant, no names.
enum PublicPetitionsPage {
    struct Batch { let id: Int; let number: Int; let handedOverOn: String; let cases: Int; let handled: Int }

    static func show(req: Request) async throws -> Response {
        let id = try req.intParameter("id")
        guard let inspection = try await Inspection.find(id, on: req.db) else { throw AppError.notFound }
        guard let sql = req.db as? any SQLDatabase else { throw Abort(.internalServerError) }
        let figures = try await PetitionService.figures(inspectionID: id, on: req.db)
        // Cases are handled and published while the team is still there (边督边改), before any
        // task exists; without cases the page exists once the inspection's page does.
        if figures == nil, (try await InspectionQueries.taskCounts(inspectionIDs: [id], on: req.db)[id])?.isEmpty != false {
            throw AppError.notFound
        }
        struct Row: Decodable { let id: Int; let number: Int; let handed_over_on: String; let n: Int; let handled: Int? }
        let batches = try await sql.raw("""
            SELECT b.id, b.number, b.handed_over_on, COUNT(c.id) AS n, \
            CAST(SUM(CASE WHEN c.status IN (\(binds: PetitionStatus.handled.map(\.rawValue))) THEN 1 ELSE 0 END) AS BIGINT) AS handled \
            FROM petition_batches b LEFT JOIN petition_cases c ON c.batch_id = b.id WHERE b.inspection_id = \(bind: id) \
            GROUP BY b.id, b.number, b.handed_over_on ORDER BY b.number
            """).all(decoding: Row.self).map { Batch(id: $0.id, number: $0.number, handedOverOn: $0.handed_over_on, cases: $0.n, handled: $0.handled ?? 0) }
        let accountability = try await AccountabilityAPI.counts(inspectionID: id, on: req.db)
        return PublicPetitionsView(context: PageContext(req, section: .portal), inspectionID: id, inspectionTitle: inspection.title,
                                   figures: figures, batches: batches, accountability: accountability).response()
    }
}

struct PublicPetitionsView: PageView {
    let context: PageContext
    let inspectionID: Int
    let inspectionTitle: String
    let figures: PetitionFigures?
    let batches: [PublicPetitionsPage.Batch]
    let accountability: AccountabilityAPI.Counts
    var title: String { "\(inspectionTitle) 群众信访举报件办理情况" }

    var content: Node<HTML.BodyContext> {
        .div(
            .p(.class("crumbs"), .a(.href(SiteURL.publicInspection(inspectionID).path), .words(inspectionTitle))),
            .h1(.words("群众信访举报件办理情况")),
            .unwrap(figures) { f in
                .div(.p(.class("lead"), .words(f.sentence ?? "")),
                     .p(.class("sub"), .words("办结率 \(f.closureRate)%(办结件数占交办件数,向下取整)。")))
            },
            .if(figures == nil, .p(.class("empty"), .words("本次督察暂无交办的群众信访举报件。"))),
            .if(!batches.isEmpty, .section(.class("panel"),
                .h2("各批次办理情况一览表"),
                .table(.class("ledger"),
                       .thead(.tr(.th("批次"), .th("交办日期"), .th(.class("num"), .words("交办件数")), .th(.class("num"), .words("已办结(含阶段性)")))),
                       .tbody(.forEach(batches) { b in
                           .tr(.td(b.handled > 0 ? .a(.href(SiteURL.publicPetitionBatch(b.id).path), .words("第\(b.number)批"))
                                   : .words("第\(b.number)批")),
                               .td(.words(Fmt.date(b.handedOverOn))), .td(.class("num"), .words(String(b.cases))),
                               .td(.class("num"), .words(String(b.handled))))
                       })),
                .p(.class("sub"), .words("一览表只列已办结或阶段性办结的件;不公开举报人信息。")))),
            .if(accountability.people > 0, .section(.class("panel"),
                .h2(.words("责任追究(\(accountability.cases) 条问题线索,\(accountability.people) 人)")),
                .figures("按处理方式", AccountabilityMeasure.allCases.compactMap { m in
                    accountability.byMeasure[m.rawValue].map { (m.label, [String($0)]) } }, headers: ["处理方式", "人数"]),
                .figures("按级别", OfficialRank.allCases.compactMap { r in
                    accountability.byRank[r.rawValue].map { (r.label, [String($0)]) } }, headers: ["级别", "人数"])))
        )
    }
}

import Foundation
import Vapor
import RectifyCore
import RectifyOffice

/// Indicator values as a sheet in the import's own layout (指标、地区、期间、数值、单位),
/// with the path value and light beside them: the file an office edits and imports back.
enum IndicatorExport {
    static let headers = ["指标", "地区", "地区代码", "期间", "数值", "单位", "目标路径值", "灯色", "同比"]

    static func rows(_ board: IndicatorBoard) -> [[String]] {
        board.lines.flatMap { l in
            l.points.map { p in
                [l.spec.name, l.regionName, String(l.regionCode), p.period.description, IndicatorNumber.format(p.value, l.spec.decimals), l.spec.unit,
                 IndicatorNumber.format(l.path.expected(in: p.period.year), l.spec.decimals), l.light(p).label, l.yearOnYear(p) ?? ""]
            }
        }
    }

    static func download(req: Request) async throws -> Response {
        let access = try await req.access()
        let board = try await IndicatorBoard.load(access, try IndicatorAPI.filter(req), on: req.db)
        let rows = rows(board)
        switch (try? req.query.get(String.self, at: "format")) ?? "xlsx" {
        case "csv":
            let text = ([headers] + rows).map(CSV.line).joined()
            let response = Response(status: .ok, body: .init(string: CSV.byteOrderMark + text))
            response.headers.replaceOrAdd(name: .contentType, value: "text/csv; charset=utf-8")
            response.headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename*=UTF-8''indicators.csv")
            return response
        case "xlsx":
            let url = FileManager.default.temporaryDirectory.appendingPathComponent("rectify-indicators-\(UUID().uuidString).xlsx")
            do {
                let writer = try XLSXWriter(sheetName: "目标指标监测值", columnWidths: [28, 12, 10, 10, 10, 12, 12, 14, 18])
                try writer.header(headers)
                for r in rows { try writer.append(r.map { .text($0) }) }
                try writer.finish(to: url)
            } catch {
                try? FileManager.default.removeItem(at: url)
                throw error
            }
            let response = try await req.fileio.asyncStreamFile(at: url.path, onCompleted: { _ in try? FileManager.default.removeItem(at: url) })
            response.headers.replaceOrAdd(name: .contentType, value: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
            response.headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename*=UTF-8''indicators.xlsx")
            return response
        default:
            throw AppError(status: .badRequest, code: "badFormat", message: "format 应为 xlsx 或 csv")
        }
    }
}

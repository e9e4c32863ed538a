import Vapor
import RectifyCore

/// Every number a request carries in its query is checked against a range before any
/// arithmetic touches it: a page of 9223372036854775807 or a region of
/// 9223372036854770000 is refused with 400, not multiplied into an overflow.
enum Bounds {
    /// Pages of at most 200 rows: a million pages is more than any ledger fills.
    static let page = 1...1_000_000
    /// Rows a page may ask for; more is read as the most (the API's documented contract).
    static let per = 1...200
    static let perAsked = 1...Int.max
    /// GB/T 2260 region codes have six digits.
    static let region = 100_000...999_999
    /// Record ids are positive; beyond 2^53 nothing a browser sends survives anyway.
    static let id = 1...9_007_199_254_740_991
}

extension AppError {
    static func badQuery(_ name: String, _ range: ClosedRange<Int>) -> AppError {
        AppError(status: .badRequest, code: "query.invalid",
                 message: "参数 \(name) 应为 \(range.lowerBound) 到 \(range.upperBound) 之间的整数")
    }
}

extension Request {
    /// An integer query parameter within `range`: nil when absent or empty, 400 when it
    /// is not a whole number in range.
    func queryInt(_ name: String, in range: ClosedRange<Int>) throws -> Int? {
        guard let text = try? query.get(String.self, at: name), !text.isEmpty else { return nil }
        guard let n = Int(text), range.contains(n) else { throw AppError.badQuery(name, range) }
        return n
    }
}

extension LedgerQuery.Filter {
    /// The ledger filter of a request's query, every number in its range.
    static func decode(from req: Request) throws -> LedgerQuery.Filter {
        let filter: LedgerQuery.Filter
        do { filter = try req.query.decode(LedgerQuery.Filter.self) } catch {
            throw AppError(status: .badRequest, code: "badFilter", message: "筛选条件无法识别:\(Request.describe(error))")
        }
        try filter.validate()
        return filter
    }

    func validate() throws {
        let checks: [(String, Int?, ClosedRange<Int>)] = [
            ("page", page, Bounds.page), ("per", per, Bounds.perAsked), ("region", region, Bounds.region),
            ("inspection", inspection, Bounds.id), ("unit", unit, Bounds.id),
        ]
        for (name, value, range) in checks {
            if let value, !range.contains(value) { throw AppError.badQuery(name, range) }
        }
    }
}

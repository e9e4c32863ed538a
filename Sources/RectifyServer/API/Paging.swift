import Fluent
import Vapor

/// Every list of the API comes in pages: `page` (from 1) and `per` (default 50, at most 200).
typealias Paged<T: Content> = LedgerQuery.Page<T>

struct PageRequest {
    let page: Int
    let per: Int

    init(_ req: Request) throws {
        page = try req.queryInt("page", in: Bounds.page) ?? 1
        per = min(try req.queryInt("per", in: Bounds.perAsked) ?? 50, Bounds.per.upperBound)
    }

    /// Rows skipped before this page; `Bounds` keep it far from overflowing.
    var offset: Int { (page - 1) * per }
}

extension QueryBuilder {
    /// One page of the query's rows, and how many there are in all.
    func page(_ req: Request) async throws -> (rows: [Model], page: Int, per: Int, total: Int) {
        let p = try PageRequest(req)
        let total = try await copy().count()
        // Not `range(lower:upper:)`: its upper bound is inclusive, which gave `per + 1` rows.
        let rows = try await copy().offset(p.offset).limit(p.per).all()
        return (rows, p.page, p.per, total)
    }

    func paged<T: Content>(_ req: Request, _ transform: (Model) throws -> T) async throws -> Paged<T> {
        let p = try await page(req)
        return Paged(items: try p.rows.map(transform), page: p.page, per: p.per, total: p.total)
    }
}

/// A dense row-major matrix of `Float`: one row per frame, one column per value.
///
/// Used for feature matrices (N, 256) and face frames (N, 68). A plain value; copy-on-write through
/// its array storage.
public struct FeatureMatrix: Sendable, Equatable {
    /// Number of rows (frames).
    public private(set) var rows: Int
    /// Number of columns (values per frame).
    public let columns: Int
    /// Row-major storage, `rows * columns` values.
    public private(set) var values: [Float]

    /// An all-zero matrix.
    public init(rows: Int, columns: Int) {
        precondition(rows >= 0 && columns > 0, "matrix needs rows >= 0 and columns > 0")
        self.rows = rows
        self.columns = columns
        self.values = [Float](repeating: 0, count: rows * columns)
    }

    /// A matrix over existing row-major values; `values.count` must be a multiple of `columns`.
    public init(columns: Int, values: [Float]) {
        precondition(columns > 0 && values.count % columns == 0, "values must fill whole rows")
        self.rows = values.count / columns
        self.columns = columns
        self.values = values
    }

    /// The value at (`row`, `column`).
    public subscript(row: Int, column: Int) -> Float {
        get { values[row * columns + column] }
        set { values[row * columns + column] = newValue }
    }

    /// A copy of one row.
    public func row(_ index: Int) -> [Float] {
        Array(values[index * columns..<(index + 1) * columns])
    }

    /// Appends one row; `row.count` must equal `columns`.
    public mutating func append<C: Collection>(row: C) where C.Element == Float {
        precondition(row.count == columns, "row has \(row.count) values, matrix has \(columns) columns")
        values.append(contentsOf: row)
        rows += 1
    }

    /// Reserves storage for `rows` rows in total.
    public mutating func reserveRows(_ rows: Int) {
        values.reserveCapacity(rows * columns)
    }

    /// Largest absolute difference to another matrix of the same shape.
    public func maxAbsoluteDifference(to other: FeatureMatrix) -> Float {
        precondition(rows == other.rows && columns == other.columns, "shapes differ")
        var worst: Float = 0
        for i in values.indices {
            worst = max(worst, abs(values[i] - other.values[i]))
        }
        return worst
    }
}

extension FeatureMatrix {
    /// Calls `body` with the row-major storage for in-place writes (e.g. from worker threads
    /// that each fill their own rows).
    public mutating func withUnsafeMutableValues<R>(_ body: (UnsafeMutableBufferPointer<Float>) throws -> R) rethrows -> R {
        try values.withUnsafeMutableBufferPointer { try body($0) }
    }
}

/// A restricted unpickler for PyTorch state_dict pickles (`data.pkl` inside a torch.save zip).
///
/// Unlike `pickle.load`, it executes nothing: it understands only the opcodes a plain state_dict
/// uses and only these callables, which it interprets itself:
/// `collections.OrderedDict`, `torch._utils._rebuild_tensor_v2`, and the storage types
/// `torch.{Float,Half,BFloat16}Storage` named in persistent ids. Any other global, opcode or shape
/// is refused with a reason. Sizes are bounded: the pickle's length, the stack, the memo.
struct StateDictUnpickler {
    /// A tensor as the pickle describes it: a view into a storage entry of the archive.
    struct TensorReference: Equatable {
        let storageKey: String
        let dtype: String
        let storageElements: Int
        let offset: Int
        let shape: [Int]
        let stride: [Int]
    }

    indirect enum Value: Equatable {
        case none
        case bool(Bool)
        case int(Int)
        case float(Double)
        case string(String)
        case bytes([UInt8])
        case tuple([Value])
        case list([Value])
        case dict([(Value, Value)])
        case global(String)
        case storage(key: String, dtype: String, elements: Int)
        case tensor(TensorReference)
        case mark

        static func == (a: Value, b: Value) -> Bool {
            switch (a, b) {
            case (.none, .none), (.mark, .mark): true
            case (.bool(let x), .bool(let y)): x == y
            case (.int(let x), .int(let y)): x == y
            case (.float(let x), .float(let y)): x == y
            case (.string(let x), .string(let y)): x == y
            case (.bytes(let x), .bytes(let y)): x == y
            case (.tuple(let x), .tuple(let y)), (.list(let x), .list(let y)): x == y
            case (.global(let x), .global(let y)): x == y
            case (.tensor(let x), .tensor(let y)): x == y
            default: false
            }
        }
    }

    /// Globals a state_dict may name.
    static let allowedGlobals: Set<String> = [
        "collections.OrderedDict", "torch._utils._rebuild_tensor_v2",
        "torch.FloatStorage", "torch.HalfStorage", "torch.BFloat16Storage",
    ]
    /// Storage types that are understood but hold integers or doubles, which the engine refuses.
    static let otherStorages: Set<String> = [
        "torch.DoubleStorage", "torch.LongStorage", "torch.IntStorage", "torch.ShortStorage",
        "torch.CharStorage", "torch.ByteStorage", "torch.BoolStorage",
    ]
    static let maxStack = 100_000
    static let maxMemo = 1_000_000

    let data: UnsafeRawBufferPointer
    let path: String

    /// Parses the pickle and returns the state_dict as (name, tensor reference) pairs in order.
    func stateDict() throws(ModelError) -> [(String, TensorReference)] {
        let root = try run()
        guard case .dict(let items) = root else { throw refuse("the pickle's result is not a dict") }
        var result: [(String, TensorReference)] = []
        for (key, value) in items {
            guard case .string(let name) = key else { throw refuse("a state_dict key is not a string") }
            guard case .tensor(let reference) = value else { throw refuse("state_dict entry '\(name)' is not a tensor") }
            result.append((name, reference))
        }
        return result
    }

    private func refuse(_ reason: String) -> ModelError { .forbiddenPickle(path: path, reason: reason) }
    private func corrupt(_ reason: String) -> ModelError { .badCheckpoint(path: path, reason: "data.pkl: \(reason)") }

    // swiftlint:disable:next cyclomatic_complexity function_body_length
    private func run() throws(ModelError) -> Value {
        var stack: [Value] = []
        var memo: [Int: Value] = [:]
        var marks: [Int] = []
        var i = 0
        let n = data.count

        func need(_ count: Int) throws(ModelError) {
            guard count >= 0, i + count <= n else { throw corrupt("truncated at byte \(i)") }
        }
        func readUInt(_ width: Int) throws(ModelError) -> Int {
            try need(width)
            var v = 0
            for k in 0..<width { v |= Int(data[i + k]) << (8 * k) }
            i += width
            return v
        }
        func readBytes(_ count: Int) throws(ModelError) -> [UInt8] {
            try need(count)
            defer { i += count }
            return Array(data[i..<(i + count)])
        }
        func readLine() throws(ModelError) -> String {
            var end = i
            while end < n && data[end] != 0x0A { end += 1 }
            guard end < n, end - i < 256 else { throw corrupt("unterminated GLOBAL name") }
            defer { i = end + 1 }
            return String(decoding: data[i..<end], as: UTF8.self)
        }
        func pop() throws(ModelError) -> Value {
            guard let v = stack.popLast() else { throw corrupt("stack underflow") }
            if case .mark = v { throw corrupt("unexpected MARK") }
            return v
        }
        func popToMark() throws(ModelError) -> [Value] {
            guard let mark = marks.popLast(), mark <= stack.count else { throw corrupt("no MARK") }
            defer { stack.removeSubrange(mark...) }
            return Array(stack[mark...])
        }
        func push(_ v: Value) throws(ModelError) {
            guard stack.count < Self.maxStack else { throw refuse("pickle stack deeper than \(Self.maxStack)") }
            stack.append(v)
        }
        func memoize(_ index: Int) throws(ModelError) {
            guard let top = stack.last else { throw corrupt("memo put on an empty stack") }
            guard memo.count < Self.maxMemo else { throw refuse("pickle memo larger than \(Self.maxMemo)") }
            memo[index] = top
        }
        func global(_ module: String, _ name: String) throws(ModelError) -> Value {
            let full = "\(module).\(name)"
            guard Self.allowedGlobals.contains(full) || Self.otherStorages.contains(full) else {
                throw refuse("global '\(full)' is not allowed")
            }
            return .global(full)
        }

        while true {
            try need(1)
            let op = data[i]
            i += 1
            switch op {
            case 0x80:  // PROTO
                let version = try readUInt(1)
                guard version <= 5 else { throw corrupt("pickle protocol \(version)") }
            case 0x95:  // FRAME
                _ = try readUInt(8)
            case 0x2E:  // STOP
                return try pop()
            case 0x7D: try push(.dict([]))  // EMPTY_DICT
            case 0x5D: try push(.list([]))  // EMPTY_LIST
            case 0x29: try push(.tuple([]))  // EMPTY_TUPLE
            case 0x28:  // MARK
                marks.append(stack.count)
            case 0x4E: try push(.none)  // NONE
            case 0x88: try push(.bool(true))  // NEWTRUE
            case 0x89: try push(.bool(false))  // NEWFALSE
            case 0x4A:  // BININT
                let v = try readUInt(4)
                try push(.int(Int(Int32(truncatingIfNeeded: v))))
            case 0x4B: try push(.int(try readUInt(1)))  // BININT1
            case 0x4D: try push(.int(try readUInt(2)))  // BININT2
            case 0x8A:  // LONG1
                let length = try readUInt(1)
                guard length <= 8 else { throw refuse("integer wider than 64 bits") }
                let raw = try readBytes(length)
                var v: Int = 0
                for (k, b) in raw.enumerated() { v |= Int(b) << (8 * k) }
                if length > 0 && length < 8 && raw[length - 1] & 0x80 != 0 { v -= 1 << (8 * length) }
                try push(.int(v))
            case 0x47:  // BINFLOAT (big-endian)
                let raw = try readBytes(8)
                var bits: UInt64 = 0
                for b in raw { bits = bits << 8 | UInt64(b) }
                try push(.float(Double(bitPattern: bits)))
            case 0x58, 0x8C, 0x8D:  // BINUNICODE, SHORT_BINUNICODE, BINUNICODE8
                let length = try readUInt(op == 0x58 ? 4 : op == 0x8C ? 1 : 8)
                try push(.string(String(decoding: try readBytes(length), as: UTF8.self)))
            case 0x42, 0x43, 0x8E:  // BINBYTES, SHORT_BINBYTES, BINBYTES8
                let length = try readUInt(op == 0x42 ? 4 : op == 0x43 ? 1 : 8)
                try push(.bytes(try readBytes(length)))
            case 0x63:  // GLOBAL
                let module = try readLine()
                let name = try readLine()
                try push(try global(module, name))
            case 0x93:  // STACK_GLOBAL
                let name = try pop()
                let module = try pop()
                guard case .string(let m) = module, case .string(let g) = name else { throw corrupt("STACK_GLOBAL needs strings") }
                try push(try global(m, g))
            case 0x71: try memoize(try readUInt(1))  // BINPUT
            case 0x72: try memoize(try readUInt(4))  // LONG_BINPUT
            case 0x94: try memoize(memo.count)  // MEMOIZE
            case 0x68, 0x6A:  // BINGET, LONG_BINGET
                let index = try readUInt(op == 0x68 ? 1 : 4)
                guard let v = memo[index] else { throw corrupt("memo \(index) read before it was written") }
                try push(v)
            case 0x74: try push(.tuple(try popToMark()))  // TUPLE
            case 0x85: try push(.tuple([try pop()]))  // TUPLE1
            case 0x86:  // TUPLE2
                let b = try pop()
                let a = try pop()
                try push(.tuple([a, b]))
            case 0x87:  // TUPLE3
                let c = try pop()
                let b = try pop()
                let a = try pop()
                try push(.tuple([a, b, c]))
            case 0x61:  // APPEND
                let v = try pop()
                guard case .list(var items) = try pop() else { throw corrupt("APPEND to a non-list") }
                items.append(v)
                try push(.list(items))
            case 0x65:  // APPENDS
                let values = try popToMark()
                guard case .list(var items) = try pop() else { throw corrupt("APPENDS to a non-list") }
                items += values
                try push(.list(items))
            case 0x73:  // SETITEM
                let v = try pop()
                let k = try pop()
                guard case .dict(var items) = try pop() else { throw corrupt("SETITEM on a non-dict") }
                items.append((k, v))
                try push(.dict(items))
            case 0x75:  // SETITEMS
                let values = try popToMark()
                guard values.count % 2 == 0 else { throw corrupt("SETITEMS with an odd count") }
                guard case .dict(var items) = try pop() else { throw corrupt("SETITEMS on a non-dict") }
                for k in stride(from: 0, to: values.count, by: 2) { items.append((values[k], values[k + 1])) }
                try push(.dict(items))
            case 0x62:  // BUILD: only an OrderedDict's instance state (torch's `_metadata`), ignored
                _ = try pop()
                guard case .dict = stack.last else { throw refuse("BUILD on something other than a dict") }
            case 0x51:  // BINPERSID
                try push(try persistentStorage(try pop()))
            case 0x52:  // REDUCE
                let arguments = try pop()
                let callable = try pop()
                try push(try reduce(callable, arguments))
            default:
                throw refuse("pickle opcode 0x\(String(op, radix: 16)) is not used by state_dicts")
            }
        }
    }

    /// ('storage', StorageType, key, location, numel) -> a storage description.
    private func persistentStorage(_ id: Value) throws(ModelError) -> Value {
        guard case .tuple(let parts) = id, parts.count == 5, parts[0] == .string("storage"),
            case .global(let type) = parts[1], case .string(let key) = parts[2], case .int(let elements) = parts[4]
        else { throw refuse("persistent id is not a torch storage reference") }
        // Keys are small decimal or alphanumeric tokens; anything path-like could escape the archive.
        guard !key.isEmpty, key.count <= 64, key.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) else {
            throw refuse("storage key '\(key)' is not a plain name")
        }
        guard elements >= 0 else { throw corrupt("negative storage size") }
        let dtype: String
        switch type {
        case "torch.FloatStorage": dtype = "F32"
        case "torch.HalfStorage": dtype = "F16"
        case "torch.BFloat16Storage": dtype = "BF16"
        default: dtype = String(type.dropFirst("torch.".count).dropLast("Storage".count))
        }
        return .storage(key: key, dtype: dtype, elements: elements)
    }

    private func reduce(_ callable: Value, _ arguments: Value) throws(ModelError) -> Value {
        guard case .global(let name) = callable, case .tuple(let args) = arguments else {
            throw refuse("REDUCE of something other than an allowed global")
        }
        switch name {
        case "collections.OrderedDict":
            guard args.isEmpty else { throw refuse("OrderedDict built from arguments") }
            return .dict([])
        case "torch._utils._rebuild_tensor_v2":
            guard args.count >= 4, case .storage(let key, let dtype, let elements) = args[0], case .int(let offset) = args[1],
                case .tuple(let sizeValues) = args[2], case .tuple(let strideValues) = args[3]
            else { throw refuse("_rebuild_tensor_v2 with unexpected arguments") }
            var shape: [Int] = []
            var strides: [Int] = []
            for v in sizeValues {
                guard case .int(let d) = v, d >= 0 else { throw corrupt("bad tensor size") }
                shape.append(d)
            }
            for v in strideValues {
                guard case .int(let s) = v, s >= 0 else { throw corrupt("bad tensor stride") }
                strides.append(s)
            }
            guard shape.count == strides.count, offset >= 0 else { throw corrupt("tensor size and stride disagree") }
            return .tensor(
                TensorReference(storageKey: key, dtype: dtype, storageElements: elements, offset: offset, shape: shape, stride: strides))
        default:
            throw refuse("'\(name)' cannot be called")
        }
    }
}

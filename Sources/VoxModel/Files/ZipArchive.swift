/// A minimal reader for the zip archives `torch.save` writes: central directory (with zip64
/// extensions), stored (uncompressed) entries only. Every offset and size is checked against the
/// file, so a hostile archive fails with a reason instead of reading out of bounds.
struct ZipArchive {
    /// One entry: where its data lies in the file.
    struct Entry {
        let name: String
        let dataOffset: Int
        let size: Int
    }

    /// Entries by name.
    let entries: [String: Entry]
    /// Entry names in directory order.
    let names: [String]

    /// Reads the directory of `file`; `fail` turns a reason into the caller's error.
    init(_ file: MappedFile, fail: (String) -> ModelError) throws(ModelError) {
        let bytes = file.bytes
        let count = bytes.count
        func u(_ offset: Int, _ width: Int) throws(ModelError) -> Int {
            guard offset >= 0, offset + width <= count else { throw fail("archive structure runs past the end of the file") }
            let value = file.uint(at: offset, width: width)
            // A zip64 field (8 bytes) is an offset, size or count inside this file: a larger one is
            // corrupt, and refusing it here keeps every sum below from overflowing Int.
            guard width < 8 || value <= UInt64(count) else { throw fail("zip64 field at \(offset) exceeds the \(count)-byte file") }
            return Int(value)
        }
        // End of central directory: the last "PK\u{5}\u{6}" within the final 64 KiB + 22 bytes.
        var eocd = -1
        var position = count - 22
        let lowest = max(0, count - 22 - 65_535)
        while position >= lowest {
            if try u(position, 4) == 0x0605_4b50 {
                eocd = position
                break
            }
            position -= 1
        }
        guard eocd >= 0 else { throw fail("not a zip archive (no end-of-central-directory record)") }
        var entryCount = try u(eocd + 10, 2)
        var directorySize = try u(eocd + 12, 4)
        var directoryOffset = try u(eocd + 16, 4)
        // Zip64: a locator right before the EOCD points at the zip64 EOCD record.
        if eocd >= 20, try u(eocd - 20, 4) == 0x0706_4b50 {
            let record = try u(eocd - 20 + 8, 8)
            guard try u(record, 4) == 0x0606_4b50 else { throw fail("broken zip64 end-of-central-directory record") }
            entryCount = try u(record + 32, 8)
            directorySize = try u(record + 40, 8)
            directoryOffset = try u(record + 48, 8)
        }
        guard entryCount <= 1_000_000, directoryOffset + directorySize <= count else {
            throw fail("central directory lies outside the file")
        }
        var entries: [String: Entry] = [:]
        var names: [String] = []
        var cursor = directoryOffset
        for _ in 0..<entryCount {
            guard try u(cursor, 4) == 0x0201_4b50 else { throw fail("corrupt central directory entry") }
            let method = try u(cursor + 10, 2)
            var compressed = try u(cursor + 20, 4)
            var size = try u(cursor + 24, 4)
            let nameLength = try u(cursor + 28, 2)
            let extraLength = try u(cursor + 30, 2)
            let commentLength = try u(cursor + 32, 2)
            var localOffset = try u(cursor + 42, 4)
            guard cursor + 46 + nameLength <= count else { throw fail("entry name runs past the end of the file") }
            let name = String(decoding: bytes[(cursor + 46)..<(cursor + 46 + nameLength)], as: UTF8.self)
            // Zip64 extended information replaces the 0xFFFFFFFF fields, in this order.
            var extra = cursor + 46 + nameLength
            let extraEnd = extra + extraLength
            while extra + 4 <= extraEnd {
                let id = try u(extra, 2)
                let length = try u(extra + 2, 2)
                if id == 0x0001 {
                    var field = extra + 4
                    if size == 0xFFFF_FFFF { size = try u(field, 8); field += 8 }
                    if compressed == 0xFFFF_FFFF { compressed = try u(field, 8); field += 8 }
                    if localOffset == 0xFFFF_FFFF { localOffset = try u(field, 8) }
                }
                extra += 4 + length
            }
            guard method == 0 else {
                throw fail("entry '\(name)' is compressed (method \(method)); torch.save stores entries uncompressed")
            }
            guard compressed == size else { throw fail("entry '\(name)' sizes disagree") }
            guard try u(localOffset, 4) == 0x0403_4b50 else { throw fail("entry '\(name)' has no local header") }
            let dataOffset = localOffset + 30 + (try u(localOffset + 26, 2)) + (try u(localOffset + 28, 2))
            guard dataOffset + size <= count else { throw fail("entry '\(name)' runs past the end of the file") }
            entries[name] = Entry(name: name, dataOffset: dataOffset, size: size)
            names.append(name)
            cursor += 46 + nameLength + extraLength + commentLength
        }
        self.entries = entries
        self.names = names
    }
}

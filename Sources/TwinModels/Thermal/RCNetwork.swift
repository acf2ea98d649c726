/// A linear thermal network: nodes with heat capacities, conductances between nodes and from
/// nodes to the ambient air.
///
/// With node powers `P` and conductances constant over a step of `h` seconds, the temperatures
/// obey `C dT/dt = P − G (T − T_amb)`, where `G` is the conductance Laplacian plus each node's
/// conductance to ambient on the diagonal. The step is integrated exactly:
///
///     T(t + h) = T∞ + exp(−C⁻¹G h) (T(t) − T∞),    T∞ = T_amb + G⁻¹ P
///
/// so any step size is stable and a long step equals many short ones. The exponential comes from
/// scaling and squaring a Taylor series; it is cached for the last `(h, G)` so that a network
/// whose fan does not change pays for it once.
public struct RCNetwork: Sendable {
    public let count: Int
    /// Heat capacity of each node, J/K.
    public let heatCapacityJPerK: [Double]
    /// Node-to-node conductances, W/K, row-major `count × count`, symmetric (diagonal unused).
    public private(set) var conductanceWPerK: [Double]
    /// Conductance from each node to the ambient air, W/K.
    public private(set) var toAmbientWPerK: [Double]
    /// Node temperatures, °C.
    public private(set) var temperatureC: [Double]

    private var cachedStepSeconds = -1.0
    private var cachedPropagator: [Double] = []
    private var cacheValid = false

    /// - Precondition: capacities are positive and every node reaches the ambient through the
    ///   network (otherwise its steady state is unbounded).
    public init(heatCapacityJPerK: [Double], conductanceWPerK: [Double], toAmbientWPerK: [Double], initialC: Double) {
        let n = heatCapacityJPerK.count
        precondition(n > 0 && heatCapacityJPerK.allSatisfy { $0 > 0 }, "heat capacities must be positive")
        precondition(conductanceWPerK.count == n * n && toAmbientWPerK.count == n, "conductance shapes must match the node count")
        self.count = n
        self.heatCapacityJPerK = heatCapacityJPerK
        self.conductanceWPerK = conductanceWPerK
        self.toAmbientWPerK = toAmbientWPerK
        self.temperatureC = Array(repeating: initialC, count: n)
        precondition(Self.solve(laplacian, Array(repeating: 1, count: n)) != nil, "every node must be connected to the ambient")
    }

    /// Sets the conductance between two nodes (both directions).
    public mutating func setConductance(_ i: Int, _ j: Int, wattsPerKelvin: Double) {
        guard conductanceWPerK[i * count + j] != wattsPerKelvin else { return }
        conductanceWPerK[i * count + j] = wattsPerKelvin
        conductanceWPerK[j * count + i] = wattsPerKelvin
        cacheValid = false
    }

    /// Sets a node's conductance to the ambient air.
    public mutating func setToAmbient(_ i: Int, wattsPerKelvin: Double) {
        guard toAmbientWPerK[i] != wattsPerKelvin else { return }
        toAmbientWPerK[i] = wattsPerKelvin
        cacheValid = false
    }

    /// Sets every node's temperature.
    public mutating func set(temperaturesC: [Double]) {
        precondition(temperaturesC.count == count, "one temperature per node")
        temperatureC = temperaturesC
    }

    /// The matrix `G`: Laplacian of the node-to-node conductances plus the ambient terms.
    var laplacian: [Double] {
        let n = count
        var g = Array(repeating: 0.0, count: n * n)
        for i in 0..<n {
            var diagonal = toAmbientWPerK[i]
            for j in 0..<n where j != i {
                g[i * n + j] = -conductanceWPerK[i * n + j]
                diagonal += conductanceWPerK[i * n + j]
            }
            g[i * n + i] = diagonal
        }
        return g
    }

    /// The temperatures the nodes tend to under constant powers: `T_amb + G⁻¹ P`.
    public func steadyStateC(powerW: [Double], ambientC: Double) -> [Double] {
        Self.solve(laplacian, powerW)!.map { $0 + ambientC }
    }

    /// Advances the temperatures by `seconds` with constant node powers and ambient.
    public mutating func step(seconds h: Double, powerW: [Double], ambientC: Double) {
        precondition(h >= 0, "a thermal step cannot go backwards")
        guard h > 0 else { return }
        if !cacheValid || h != cachedStepSeconds {
            var m = laplacian
            for i in 0..<count {
                for j in 0..<count { m[i * count + j] *= -h / heatCapacityJPerK[i] }
            }
            cachedPropagator = Self.exponential(m, count)
            cachedStepSeconds = h
            cacheValid = true
        }
        let steady = steadyStateC(powerW: powerW, ambientC: ambientC)
        var next = steady
        for i in 0..<count {
            var sum = 0.0
            for j in 0..<count { sum += cachedPropagator[i * count + j] * (temperatureC[j] - steady[j]) }
            next[i] += sum
        }
        temperatureC = next
    }

    /// `exp(M)` for a small square matrix: scale so the norm is below 1/2, sum the Taylor series
    /// to double precision, then square back.
    static func exponential(_ m: [Double], _ n: Int) -> [Double] {
        var norm = 0.0
        for i in 0..<n {
            var row = 0.0
            for j in 0..<n { row += abs(m[i * n + j]) }
            norm = max(norm, row)
        }
        var squarings = 0
        var scale = 1.0
        while norm * scale > 0.5 {
            scale *= 0.5
            squarings += 1
        }
        let a = m.map { $0 * scale }
        var result = identity(n)
        var term = identity(n)
        for k in 1...30 {
            term = multiply(term, a, n).map { $0 / Double(k) }
            result = zip(result, term).map(+)
            if term.allSatisfy({ abs($0) < 1e-18 }) { break }
        }
        for _ in 0..<squarings { result = multiply(result, result, n) }
        return result
    }

    static func identity(_ n: Int) -> [Double] {
        var m = Array(repeating: 0.0, count: n * n)
        for i in 0..<n { m[i * n + i] = 1 }
        return m
    }

    static func multiply(_ a: [Double], _ b: [Double], _ n: Int) -> [Double] {
        var c = Array(repeating: 0.0, count: n * n)
        for i in 0..<n {
            for k in 0..<n where a[i * n + k] != 0 {
                for j in 0..<n { c[i * n + j] += a[i * n + k] * b[k * n + j] }
            }
        }
        return c
    }

    /// Solves `A x = b` by Gaussian elimination with partial pivoting; nil if `A` is singular.
    static func solve(_ matrix: [Double], _ rhs: [Double]) -> [Double]? {
        let n = rhs.count
        var a = matrix
        var b = rhs
        for col in 0..<n {
            var pivot = col
            for row in col + 1..<max(col + 1, n) where abs(a[row * n + col]) > abs(a[pivot * n + col]) { pivot = row }
            guard abs(a[pivot * n + col]) > 1e-300 else { return nil }
            if pivot != col {
                for j in 0..<n { a.swapAt(col * n + j, pivot * n + j) }
                b.swapAt(col, pivot)
            }
            for row in col + 1..<max(col + 1, n) {
                let factor = a[row * n + col] / a[col * n + col]
                guard factor != 0 else { continue }
                for j in col..<n { a[row * n + j] -= factor * a[col * n + j] }
                b[row] -= factor * b[col]
            }
        }
        var x = Array(repeating: 0.0, count: n)
        for row in stride(from: n - 1, through: 0, by: -1) {
            var sum = b[row]
            for j in row + 1..<max(row + 1, n) { sum -= a[row * n + j] * x[j] }
            x[row] = sum / a[row * n + row]
        }
        return x
    }
}

/// The energy of moving DRAM bytes, stage by stage, for a span with the given traffic: the
/// DRAM's arrays and datapaths, its interface and its activates (the memory rail), then the
/// memory controllers with their PHYs, the CPU die's fabric and system-level cache, and
/// NVLink-C2C (the rest of the SoC). The GPU's L2 and crossbar are in the GPU rail's busy
/// capacitance, not here.
struct EnergyStages {
    var dramCoreJ: Double
    var dramIOJ: Double
    var activateJ: Double
    var controllerJ: Double
    var fabricJ: Double
    var c2cJ: Double

    init(config c: PowerConfig, memoryBytes: Double, activates: Double, c2cBytes: Double) {
        dramCoreJ = c.memoryCoreJoulesPerByte * memoryBytes
        dramIOJ = c.memoryIOJoulesPerByte * memoryBytes
        activateJ = c.activateJoules * activates
        controllerJ = c.controllerJoulesPerByte * memoryBytes
        fabricJ = c.fabricJoulesPerByte * memoryBytes
        c2cJ = c.c2cJoulesPerByte * c2cBytes
    }

    var memoryRailJ: Double { dramCoreJ + dramIOJ + activateJ }
    var socRailJ: Double { controllerJ + fabricJ + c2cJ }
    var totalJ: Double { memoryRailJ + socRailJ }
}

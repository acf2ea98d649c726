BEGIN TRANSACTION;
CREATE TABLE expectation (
    id INTEGER PRIMARY KEY,
    runId TEXT NOT NULL REFERENCES run(id) ON DELETE CASCADE,
    metric TEXT NOT NULL,
    target REAL NOT NULL,
    unit TEXT NOT NULL,
    tolerance TEXT NOT NULL,
    value REAL,
    passed INTEGER NOT NULL
);
CREATE TABLE grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY);
INSERT INTO "grdb_migrations" VALUES('v1 runs, metrics, expectations, series');
INSERT INTO "grdb_migrations" VALUES('v2 labels');
INSERT INTO "grdb_migrations" VALUES('v3 unit costs');
INSERT INTO "grdb_migrations" VALUES('v4 unit costs'' activates');
CREATE TABLE label (
    runId TEXT NOT NULL REFERENCES run(id) ON DELETE CASCADE,
    label TEXT NOT NULL,
    PRIMARY KEY (runId, label)
) WITHOUT ROWID;
INSERT INTO "label" VALUES('47c6abc2d6d0','fixture');
CREATE TABLE metric (
    id INTEGER PRIMARY KEY,
    runId TEXT NOT NULL REFERENCES run(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    value REAL NOT NULL,
    unit TEXT NOT NULL,
    UNIQUE (runId, name)
);
INSERT INTO "metric" VALUES(1,'47c6abc2d6d0','sim.time',9.61547e-07,'s');
INSERT INTO "metric" VALUES(2,'47c6abc2d6d0','sim.events',1537.0,'count');
INSERT INTO "metric" VALUES(3,'47c6abc2d6d0','gpu.read.bytes',65536.0,'B');
INSERT INTO "metric" VALUES(4,'47c6abc2d6d0','gpu.read.bandwidth',6.81568347673072594261e+01,'GB/s');
INSERT INTO "metric" VALUES(5,'47c6abc2d6d0','gpu.copy.bandwidth',0.0,'GB/s');
INSERT INTO "metric" VALUES(6,'47c6abc2d6d0','gpu.read.latency.mean',480.5241015625,'ns');
INSERT INTO "metric" VALUES(7,'47c6abc2d6d0','gpu.read.latency.p50',466.0,'ns');
INSERT INTO "metric" VALUES(8,'47c6abc2d6d0','gpu.read.latency.p99',746.0,'ns');
INSERT INTO "metric" VALUES(9,'47c6abc2d6d0','gpu.read.latency.max',760.968,'ns');
INSERT INTO "metric" VALUES(10,'47c6abc2d6d0','gpu.sm_clock',2418.0,'MHz');
INSERT INTO "metric" VALUES(11,'47c6abc2d6d0','gpu.gemm.kernels',0.0,'count');
INSERT INTO "metric" VALUES(12,'47c6abc2d6d0','gpu.gemm.throughput',0.0,'TFLOPS');
INSERT INTO "metric" VALUES(13,'47c6abc2d6d0','gpu.gemm.kernel_time.mean',0.0,'us');
INSERT INTO "metric" VALUES(14,'47c6abc2d6d0','gpu.tensor.utilization',0.0,'ratio');
INSERT INTO "metric" VALUES(15,'47c6abc2d6d0','gpu.l2.hit_rate',0.0,'ratio');
INSERT INTO "metric" VALUES(16,'47c6abc2d6d0','gpu.l2.misses',512.0,'count');
INSERT INTO "metric" VALUES(17,'47c6abc2d6d0','copy.bandwidth',0.0,'GB/s');
INSERT INTO "metric" VALUES(18,'47c6abc2d6d0','copy.time.mean',0.0,'us');
INSERT INTO "metric" VALUES(19,'47c6abc2d6d0','cpu.chase.loads',0.0,'count');
INSERT INTO "metric" VALUES(20,'47c6abc2d6d0','cpu.chase.latency.mean',0.0,'ns');
INSERT INTO "metric" VALUES(21,'47c6abc2d6d0','cpu.chase.l1.fraction',0.0,'ratio');
INSERT INTO "metric" VALUES(22,'47c6abc2d6d0','cpu.chase.l2.fraction',0.0,'ratio');
INSERT INTO "metric" VALUES(23,'47c6abc2d6d0','cpu.chase.l3.fraction',0.0,'ratio');
INSERT INTO "metric" VALUES(24,'47c6abc2d6d0','cpu.chase.slc.fraction',0.0,'ratio');
INSERT INTO "metric" VALUES(25,'47c6abc2d6d0','cpu.chase.dram.fraction',0.0,'ratio');
INSERT INTO "metric" VALUES(26,'47c6abc2d6d0','cpu.stream.bytes',0.0,'B');
INSERT INTO "metric" VALUES(27,'47c6abc2d6d0','cpu.stream.bandwidth',0.0,'GB/s');
INSERT INTO "metric" VALUES(28,'47c6abc2d6d0','cpu.stream.latency.mean',0.0,'ns');
INSERT INTO "metric" VALUES(29,'47c6abc2d6d0','cpu.compute.cycles',0.0,'count');
INSERT INTO "metric" VALUES(30,'47c6abc2d6d0','cpu.threads.time',0.0,'s');
INSERT INTO "metric" VALUES(31,'47c6abc2d6d0','gpu.chase.loads',0.0,'count');
INSERT INTO "metric" VALUES(32,'47c6abc2d6d0','gpu.chase.latency.mean',0.0,'ns');
INSERT INTO "metric" VALUES(33,'47c6abc2d6d0','gpu.chase.latency.cycles',0.0,'cycles');
INSERT INTO "metric" VALUES(34,'47c6abc2d6d0','gpu.chase.l1.fraction',0.0,'ratio');
INSERT INTO "metric" VALUES(35,'47c6abc2d6d0','gpu.chase.l2.fraction',0.0,'ratio');
INSERT INTO "metric" VALUES(36,'47c6abc2d6d0','gpu.chase.dram.fraction',0.0,'ratio');
INSERT INTO "metric" VALUES(37,'47c6abc2d6d0','gpu.chase.l1_tlb_miss.fraction',0.0,'ratio');
INSERT INTO "metric" VALUES(38,'47c6abc2d6d0','gpu.chase.l2_tlb_miss.fraction',0.0,'ratio');
INSERT INTO "metric" VALUES(39,'47c6abc2d6d0','memory.bandwidth',6.81568347673072594261e+01,'GB/s');
INSERT INTO "metric" VALUES(40,'47c6abc2d6d0','memory.write.bytes',0.0,'B');
INSERT INTO "metric" VALUES(41,'47c6abc2d6d0','memory.write.drains',0.0,'count');
INSERT INTO "metric" VALUES(42,'47c6abc2d6d0','memory.peak_bandwidth',273.056,'GB/s');
INSERT INTO "metric" VALUES(43,'47c6abc2d6d0','memory.row_hit_rate',0.869140625,'ratio');
INSERT INTO "metric" VALUES(44,'47c6abc2d6d0','memory.read.latency.mean',112.015318359375,'ns');
INSERT INTO "metric" VALUES(45,'47c6abc2d6d0','memory.read.latency.p50',95.0,'ns');
INSERT INTO "metric" VALUES(46,'47c6abc2d6d0','memory.read.latency.p99',386.0,'ns');
INSERT INTO "metric" VALUES(47,'47c6abc2d6d0','memory.channel.utilization.mean',2.49607533865973452158e-01,'ratio');
INSERT INTO "metric" VALUES(48,'47c6abc2d6d0','memory.channel.utilization.min',2.49607533865973507669e-01,'ratio');
INSERT INTO "metric" VALUES(49,'47c6abc2d6d0','memory.channel.utilization.max',2.49607533865973507669e-01,'ratio');
INSERT INTO "metric" VALUES(50,'47c6abc2d6d0','memory.channel.00.utilization',2.49607533865973507669e-01,'ratio');
INSERT INTO "metric" VALUES(51,'47c6abc2d6d0','memory.channel.01.utilization',2.49607533865973507669e-01,'ratio');
INSERT INTO "metric" VALUES(52,'47c6abc2d6d0','memory.channel.02.utilization',2.49607533865973507669e-01,'ratio');
INSERT INTO "metric" VALUES(53,'47c6abc2d6d0','memory.channel.03.utilization',2.49607533865973507669e-01,'ratio');
INSERT INTO "metric" VALUES(54,'47c6abc2d6d0','memory.channel.04.utilization',2.49607533865973507669e-01,'ratio');
INSERT INTO "metric" VALUES(55,'47c6abc2d6d0','memory.channel.05.utilization',2.49607533865973507669e-01,'ratio');
INSERT INTO "metric" VALUES(56,'47c6abc2d6d0','memory.channel.06.utilization',2.49607533865973507669e-01,'ratio');
INSERT INTO "metric" VALUES(57,'47c6abc2d6d0','memory.channel.07.utilization',2.49607533865973507669e-01,'ratio');
INSERT INTO "metric" VALUES(58,'47c6abc2d6d0','memory.channel.08.utilization',2.49607533865973507669e-01,'ratio');
INSERT INTO "metric" VALUES(59,'47c6abc2d6d0','memory.channel.09.utilization',2.49607533865973507669e-01,'ratio');
INSERT INTO "metric" VALUES(60,'47c6abc2d6d0','memory.channel.10.utilization',2.49607533865973507669e-01,'ratio');
INSERT INTO "metric" VALUES(61,'47c6abc2d6d0','memory.channel.11.utilization',2.49607533865973507669e-01,'ratio');
INSERT INTO "metric" VALUES(62,'47c6abc2d6d0','memory.channel.12.utilization',2.49607533865973507669e-01,'ratio');
INSERT INTO "metric" VALUES(63,'47c6abc2d6d0','memory.channel.13.utilization',2.49607533865973507669e-01,'ratio');
INSERT INTO "metric" VALUES(64,'47c6abc2d6d0','memory.channel.14.utilization',2.49607533865973507669e-01,'ratio');
INSERT INTO "metric" VALUES(65,'47c6abc2d6d0','memory.channel.15.utilization',2.49607533865973507669e-01,'ratio');
INSERT INTO "metric" VALUES(66,'47c6abc2d6d0','memory.refresh.overhead',1.82208624575014854762e-02,'ratio');
INSERT INTO "metric" VALUES(67,'47c6abc2d6d0','c2c.gpu_to_cpu.utilization',5.67973623060893800795e-02,'ratio');
INSERT INTO "metric" VALUES(68,'47c6abc2d6d0','c2c.cpu_to_gpu.utilization',2.83986811530446914275e-01,'ratio');
INSERT INTO "metric" VALUES(69,'47c6abc2d6d0','c2c.cpu_to_gpu.bytes',65536.0,'B');
INSERT INTO "metric" VALUES(70,'47c6abc2d6d0','gpu.gemm.throughput.first',0.0,'TFLOPS');
INSERT INTO "metric" VALUES(71,'47c6abc2d6d0','gpu.gemm.throughput.peak',0.0,'TFLOPS');
INSERT INTO "metric" VALUES(72,'47c6abc2d6d0','gpu.gemm.throughput.sustained',0.0,'TFLOPS');
INSERT INTO "metric" VALUES(73,'47c6abc2d6d0','gpu.gemm.throughput.sustained_ratio',0.0,'ratio');
INSERT INTO "metric" VALUES(74,'47c6abc2d6d0','gpu.gemm.throughput.loss_from_first',0.0,'ratio');
INSERT INTO "metric" VALUES(75,'47c6abc2d6d0','gpu.gemm.throughput.spec',0.0,'TFLOPS');
INSERT INTO "metric" VALUES(76,'47c6abc2d6d0','gpu.gemm.throughput.ratio_to_spec',0.0,'ratio');
INSERT INTO "metric" VALUES(77,'47c6abc2d6d0','gpu.read.bandwidth.first',6.81568347673072594261e+01,'GB/s');
INSERT INTO "metric" VALUES(78,'47c6abc2d6d0','gpu.read.bandwidth.peak',6.81568347673072594261e+01,'GB/s');
INSERT INTO "metric" VALUES(79,'47c6abc2d6d0','gpu.read.bandwidth.sustained',6.81568347673072594261e+01,'GB/s');
INSERT INTO "metric" VALUES(80,'47c6abc2d6d0','gpu.read.bandwidth.sustained_ratio',1.0,'ratio');
INSERT INTO "metric" VALUES(81,'47c6abc2d6d0','gpu.read.bandwidth.loss_from_first',0.0,'ratio');
INSERT INTO "metric" VALUES(82,'47c6abc2d6d0','gpu.read.bandwidth.spec',273.056,'GB/s');
INSERT INTO "metric" VALUES(83,'47c6abc2d6d0','gpu.read.bandwidth.ratio_to_spec',2.49607533865973507669e-01,'ratio');
INSERT INTO "metric" VALUES(84,'47c6abc2d6d0','clock.gpu.sustained',2418.0,'MHz');
INSERT INTO "metric" VALUES(85,'47c6abc2d6d0','clock.gpu.loss',0.0,'ratio');
INSERT INTO "metric" VALUES(86,'47c6abc2d6d0','temp.gpu_die.plateau',4.03149205774311596411e+01,'C');
INSERT INTO "metric" VALUES(87,'47c6abc2d6d0','temp.gpu_die.rise_tau',0.0,'s');
INSERT INTO "metric" VALUES(88,'47c6abc2d6d0','temp.gpu_die.fall_tau',0.0,'s');
INSERT INTO "metric" VALUES(89,'47c6abc2d6d0','power.gpu.mean',5.01970496863832877938e+01,'W');
INSERT INTO "metric" VALUES(90,'47c6abc2d6d0','power.gpu.max',5.01970496863832877938e+01,'W');
INSERT INTO "metric" VALUES(91,'47c6abc2d6d0','power.cpu0.mean',4.92959321833039876281e+00,'W');
INSERT INTO "metric" VALUES(92,'47c6abc2d6d0','power.cpu0.max',4.92959321833039876281e+00,'W');
INSERT INTO "metric" VALUES(93,'47c6abc2d6d0','power.cpu1.mean',4.43098759333039904362e+00,'W');
INSERT INTO "metric" VALUES(94,'47c6abc2d6d0','power.cpu1.max',4.43098759333039904362e+00,'W');
INSERT INTO "metric" VALUES(95,'47c6abc2d6d0','power.memory.mean',5.72627339069229,'W');
INSERT INTO "metric" VALUES(96,'47c6abc2d6d0','power.memory.max',5.72627339069229,'W');
INSERT INTO "metric" VALUES(97,'47c6abc2d6d0','power.soc.mean',1.34798095152915031746e+01,'W');
INSERT INTO "metric" VALUES(98,'47c6abc2d6d0','power.soc.max',1.34798095152915031746e+01,'W');
INSERT INTO "metric" VALUES(99,'47c6abc2d6d0','power.cpu.mean',9.36058081166079780643e+00,'W');
INSERT INTO "metric" VALUES(100,'47c6abc2d6d0','power.package.mean',7.87637134040278681385e+01,'W');
INSERT INTO "metric" VALUES(101,'47c6abc2d6d0','power.package.max',7.87637134040278823459e+01,'W');
INSERT INTO "metric" VALUES(102,'47c6abc2d6d0','power.limit',140.0,'W');
INSERT INTO "metric" VALUES(103,'47c6abc2d6d0','energy.total',7.57350123325028e-05,'J');
INSERT INTO "metric" VALUES(104,'47c6abc2d6d0','energy.per_tflop',0.0,'J/TFLOP');
INSERT INTO "metric" VALUES(105,'47c6abc2d6d0','energy.per_gb_read',1.15562457782749627988e+00,'J/GB');
INSERT INTO "metric" VALUES(106,'47c6abc2d6d0','temp.gpu_die.max',4.03149205774311596411e+01,'C');
INSERT INTO "metric" VALUES(107,'47c6abc2d6d0','temp.gpu_die.final',4.03149205774311596411e+01,'C');
INSERT INTO "metric" VALUES(108,'47c6abc2d6d0','temp.cpu_die.max',4.42568235410179724445e+01,'C');
INSERT INTO "metric" VALUES(109,'47c6abc2d6d0','temp.cpu_die.final',4.42568235410179724445e+01,'C');
INSERT INTO "metric" VALUES(110,'47c6abc2d6d0','temp.sink.max',4.00413278718695835305e+01,'C');
INSERT INTO "metric" VALUES(111,'47c6abc2d6d0','temp.sink.final',4.00413278718695835305e+01,'C');
INSERT INTO "metric" VALUES(112,'47c6abc2d6d0','fan.speed.final',3.01157180412348346454e-01,'ratio');
INSERT INTO "metric" VALUES(113,'47c6abc2d6d0','clock.gpu.mean',2418.0,'MHz');
INSERT INTO "metric" VALUES(114,'47c6abc2d6d0','clock.gpu.min',2418.0,'MHz');
INSERT INTO "metric" VALUES(115,'47c6abc2d6d0','clock.cpu0.mean',3900.0,'MHz');
INSERT INTO "metric" VALUES(116,'47c6abc2d6d0','clock.cpu0.min',3900.0,'MHz');
INSERT INTO "metric" VALUES(117,'47c6abc2d6d0','clock.cpu1.mean',3900.0,'MHz');
INSERT INTO "metric" VALUES(118,'47c6abc2d6d0','clock.cpu1.min',3900.0,'MHz');
INSERT INTO "metric" VALUES(119,'47c6abc2d6d0','throttle.first',-1.0,'s');
INSERT INTO "metric" VALUES(120,'47c6abc2d6d0','throttle.first.power_cap',-1.0,'s');
INSERT INTO "metric" VALUES(121,'47c6abc2d6d0','throttle.power_cap.residency',0.0,'ratio');
INSERT INTO "metric" VALUES(122,'47c6abc2d6d0','throttle.first.thermal',-1.0,'s');
INSERT INTO "metric" VALUES(123,'47c6abc2d6d0','throttle.thermal.residency',0.0,'ratio');
INSERT INTO "metric" VALUES(124,'47c6abc2d6d0','throttle.first.other',-1.0,'s');
INSERT INTO "metric" VALUES(125,'47c6abc2d6d0','throttle.other.residency',0.0,'ratio');
INSERT INTO "metric" VALUES(126,'47c6abc2d6d0','thermal.shutdown',0.0,'count');
INSERT INTO "metric" VALUES(127,'ed336fd638b2','sim.time',9.61547e-07,'s');
INSERT INTO "metric" VALUES(128,'ed336fd638b2','sim.events',1537.0,'count');
INSERT INTO "metric" VALUES(129,'ed336fd638b2','gpu.read.bytes',65536.0,'B');
INSERT INTO "metric" VALUES(130,'ed336fd638b2','gpu.read.bandwidth',6.81568347673072594261e+01,'GB/s');
INSERT INTO "metric" VALUES(131,'ed336fd638b2','gpu.copy.bandwidth',0.0,'GB/s');
INSERT INTO "metric" VALUES(132,'ed336fd638b2','gpu.read.latency.mean',480.5241015625,'ns');
INSERT INTO "metric" VALUES(133,'ed336fd638b2','gpu.read.latency.p50',466.0,'ns');
INSERT INTO "metric" VALUES(134,'ed336fd638b2','gpu.read.latency.p99',746.0,'ns');
INSERT INTO "metric" VALUES(135,'ed336fd638b2','gpu.read.latency.max',760.968,'ns');
INSERT INTO "metric" VALUES(136,'ed336fd638b2','gpu.sm_clock',2418.0,'MHz');
INSERT INTO "metric" VALUES(137,'ed336fd638b2','gpu.gemm.kernels',0.0,'count');
INSERT INTO "metric" VALUES(138,'ed336fd638b2','gpu.gemm.throughput',0.0,'TFLOPS');
INSERT INTO "metric" VALUES(139,'ed336fd638b2','gpu.gemm.kernel_time.mean',0.0,'us');
INSERT INTO "metric" VALUES(140,'ed336fd638b2','gpu.tensor.utilization',0.0,'ratio');
INSERT INTO "metric" VALUES(141,'ed336fd638b2','gpu.l2.hit_rate',0.0,'ratio');
INSERT INTO "metric" VALUES(142,'ed336fd638b2','gpu.l2.misses',512.0,'count');
INSERT INTO "metric" VALUES(143,'ed336fd638b2','copy.bandwidth',0.0,'GB/s');
INSERT INTO "metric" VALUES(144,'ed336fd638b2','copy.time.mean',0.0,'us');
INSERT INTO "metric" VALUES(145,'ed336fd638b2','cpu.chase.loads',0.0,'count');
INSERT INTO "metric" VALUES(146,'ed336fd638b2','cpu.chase.latency.mean',0.0,'ns');
INSERT INTO "metric" VALUES(147,'ed336fd638b2','cpu.chase.l1.fraction',0.0,'ratio');
INSERT INTO "metric" VALUES(148,'ed336fd638b2','cpu.chase.l2.fraction',0.0,'ratio');
INSERT INTO "metric" VALUES(149,'ed336fd638b2','cpu.chase.l3.fraction',0.0,'ratio');
INSERT INTO "metric" VALUES(150,'ed336fd638b2','cpu.chase.slc.fraction',0.0,'ratio');
INSERT INTO "metric" VALUES(151,'ed336fd638b2','cpu.chase.dram.fraction',0.0,'ratio');
INSERT INTO "metric" VALUES(152,'ed336fd638b2','cpu.stream.bytes',0.0,'B');
INSERT INTO "metric" VALUES(153,'ed336fd638b2','cpu.stream.bandwidth',0.0,'GB/s');
INSERT INTO "metric" VALUES(154,'ed336fd638b2','cpu.stream.latency.mean',0.0,'ns');
INSERT INTO "metric" VALUES(155,'ed336fd638b2','cpu.compute.cycles',0.0,'count');
INSERT INTO "metric" VALUES(156,'ed336fd638b2','cpu.threads.time',0.0,'s');
INSERT INTO "metric" VALUES(157,'ed336fd638b2','gpu.chase.loads',0.0,'count');
INSERT INTO "metric" VALUES(158,'ed336fd638b2','gpu.chase.latency.mean',0.0,'ns');
INSERT INTO "metric" VALUES(159,'ed336fd638b2','gpu.chase.latency.cycles',0.0,'cycles');
INSERT INTO "metric" VALUES(160,'ed336fd638b2','gpu.chase.l1.fraction',0.0,'ratio');
INSERT INTO "metric" VALUES(161,'ed336fd638b2','gpu.chase.l2.fraction',0.0,'ratio');
INSERT INTO "metric" VALUES(162,'ed336fd638b2','gpu.chase.dram.fraction',0.0,'ratio');
INSERT INTO "metric" VALUES(163,'ed336fd638b2','gpu.chase.l1_tlb_miss.fraction',0.0,'ratio');
INSERT INTO "metric" VALUES(164,'ed336fd638b2','gpu.chase.l2_tlb_miss.fraction',0.0,'ratio');
INSERT INTO "metric" VALUES(165,'ed336fd638b2','memory.bandwidth',6.81568347673072594261e+01,'GB/s');
INSERT INTO "metric" VALUES(166,'ed336fd638b2','memory.write.bytes',0.0,'B');
INSERT INTO "metric" VALUES(167,'ed336fd638b2','memory.write.drains',0.0,'count');
INSERT INTO "metric" VALUES(168,'ed336fd638b2','memory.peak_bandwidth',273.056,'GB/s');
INSERT INTO "metric" VALUES(169,'ed336fd638b2','memory.row_hit_rate',0.869140625,'ratio');
INSERT INTO "metric" VALUES(170,'ed336fd638b2','memory.read.latency.mean',112.015318359375,'ns');
INSERT INTO "metric" VALUES(171,'ed336fd638b2','memory.read.latency.p50',95.0,'ns');
INSERT INTO "metric" VALUES(172,'ed336fd638b2','memory.read.latency.p99',386.0,'ns');
INSERT INTO "metric" VALUES(173,'ed336fd638b2','memory.channel.utilization.mean',2.49607533865973452158e-01,'ratio');
INSERT INTO "metric" VALUES(174,'ed336fd638b2','memory.channel.utilization.min',2.49607533865973507669e-01,'ratio');
INSERT INTO "metric" VALUES(175,'ed336fd638b2','memory.channel.utilization.max',2.49607533865973507669e-01,'ratio');
INSERT INTO "metric" VALUES(176,'ed336fd638b2','memory.channel.00.utilization',2.49607533865973507669e-01,'ratio');
INSERT INTO "metric" VALUES(177,'ed336fd638b2','memory.channel.01.utilization',2.49607533865973507669e-01,'ratio');
INSERT INTO "metric" VALUES(178,'ed336fd638b2','memory.channel.02.utilization',2.49607533865973507669e-01,'ratio');
INSERT INTO "metric" VALUES(179,'ed336fd638b2','memory.channel.03.utilization',2.49607533865973507669e-01,'ratio');
INSERT INTO "metric" VALUES(180,'ed336fd638b2','memory.channel.04.utilization',2.49607533865973507669e-01,'ratio');
INSERT INTO "metric" VALUES(181,'ed336fd638b2','memory.channel.05.utilization',2.49607533865973507669e-01,'ratio');
INSERT INTO "metric" VALUES(182,'ed336fd638b2','memory.channel.06.utilization',2.49607533865973507669e-01,'ratio');
INSERT INTO "metric" VALUES(183,'ed336fd638b2','memory.channel.07.utilization',2.49607533865973507669e-01,'ratio');
INSERT INTO "metric" VALUES(184,'ed336fd638b2','memory.channel.08.utilization',2.49607533865973507669e-01,'ratio');
INSERT INTO "metric" VALUES(185,'ed336fd638b2','memory.channel.09.utilization',2.49607533865973507669e-01,'ratio');
INSERT INTO "metric" VALUES(186,'ed336fd638b2','memory.channel.10.utilization',2.49607533865973507669e-01,'ratio');
INSERT INTO "metric" VALUES(187,'ed336fd638b2','memory.channel.11.utilization',2.49607533865973507669e-01,'ratio');
INSERT INTO "metric" VALUES(188,'ed336fd638b2','memory.channel.12.utilization',2.49607533865973507669e-01,'ratio');
INSERT INTO "metric" VALUES(189,'ed336fd638b2','memory.channel.13.utilization',2.49607533865973507669e-01,'ratio');
INSERT INTO "metric" VALUES(190,'ed336fd638b2','memory.channel.14.utilization',2.49607533865973507669e-01,'ratio');
INSERT INTO "metric" VALUES(191,'ed336fd638b2','memory.channel.15.utilization',2.49607533865973507669e-01,'ratio');
INSERT INTO "metric" VALUES(192,'ed336fd638b2','memory.refresh.overhead',1.82208624575014854762e-02,'ratio');
INSERT INTO "metric" VALUES(193,'ed336fd638b2','c2c.gpu_to_cpu.utilization',5.67973623060893800795e-02,'ratio');
INSERT INTO "metric" VALUES(194,'ed336fd638b2','c2c.cpu_to_gpu.utilization',2.83986811530446914275e-01,'ratio');
INSERT INTO "metric" VALUES(195,'ed336fd638b2','c2c.cpu_to_gpu.bytes',65536.0,'B');
INSERT INTO "metric" VALUES(196,'ed336fd638b2','gpu.gemm.throughput.first',0.0,'TFLOPS');
INSERT INTO "metric" VALUES(197,'ed336fd638b2','gpu.gemm.throughput.peak',0.0,'TFLOPS');
INSERT INTO "metric" VALUES(198,'ed336fd638b2','gpu.gemm.throughput.sustained',0.0,'TFLOPS');
INSERT INTO "metric" VALUES(199,'ed336fd638b2','gpu.gemm.throughput.sustained_ratio',0.0,'ratio');
INSERT INTO "metric" VALUES(200,'ed336fd638b2','gpu.gemm.throughput.loss_from_first',0.0,'ratio');
INSERT INTO "metric" VALUES(201,'ed336fd638b2','gpu.gemm.throughput.spec',0.0,'TFLOPS');
INSERT INTO "metric" VALUES(202,'ed336fd638b2','gpu.gemm.throughput.ratio_to_spec',0.0,'ratio');
INSERT INTO "metric" VALUES(203,'ed336fd638b2','gpu.read.bandwidth.first',6.81568347673072594261e+01,'GB/s');
INSERT INTO "metric" VALUES(204,'ed336fd638b2','gpu.read.bandwidth.peak',6.81568347673072594261e+01,'GB/s');
INSERT INTO "metric" VALUES(205,'ed336fd638b2','gpu.read.bandwidth.sustained',6.81568347673072594261e+01,'GB/s');
INSERT INTO "metric" VALUES(206,'ed336fd638b2','gpu.read.bandwidth.sustained_ratio',1.0,'ratio');
INSERT INTO "metric" VALUES(207,'ed336fd638b2','gpu.read.bandwidth.loss_from_first',0.0,'ratio');
INSERT INTO "metric" VALUES(208,'ed336fd638b2','gpu.read.bandwidth.spec',273.056,'GB/s');
INSERT INTO "metric" VALUES(209,'ed336fd638b2','gpu.read.bandwidth.ratio_to_spec',2.49607533865973507669e-01,'ratio');
INSERT INTO "metric" VALUES(210,'ed336fd638b2','clock.gpu.sustained',2418.0,'MHz');
INSERT INTO "metric" VALUES(211,'ed336fd638b2','clock.gpu.loss',0.0,'ratio');
INSERT INTO "metric" VALUES(212,'ed336fd638b2','temp.gpu_die.plateau',4.03149205774311596411e+01,'C');
INSERT INTO "metric" VALUES(213,'ed336fd638b2','temp.gpu_die.rise_tau',0.0,'s');
INSERT INTO "metric" VALUES(214,'ed336fd638b2','temp.gpu_die.fall_tau',0.0,'s');
INSERT INTO "metric" VALUES(215,'ed336fd638b2','power.gpu.mean',5.01970496863832877938e+01,'W');
INSERT INTO "metric" VALUES(216,'ed336fd638b2','power.gpu.max',5.01970496863832877938e+01,'W');
INSERT INTO "metric" VALUES(217,'ed336fd638b2','power.cpu0.mean',4.92959321833039876281e+00,'W');
INSERT INTO "metric" VALUES(218,'ed336fd638b2','power.cpu0.max',4.92959321833039876281e+00,'W');
INSERT INTO "metric" VALUES(219,'ed336fd638b2','power.cpu1.mean',4.43098759333039904362e+00,'W');
INSERT INTO "metric" VALUES(220,'ed336fd638b2','power.cpu1.max',4.43098759333039904362e+00,'W');
INSERT INTO "metric" VALUES(221,'ed336fd638b2','power.memory.mean',5.72627339069229,'W');
INSERT INTO "metric" VALUES(222,'ed336fd638b2','power.memory.max',5.72627339069229,'W');
INSERT INTO "metric" VALUES(223,'ed336fd638b2','power.soc.mean',1.34798095152915031746e+01,'W');
INSERT INTO "metric" VALUES(224,'ed336fd638b2','power.soc.max',1.34798095152915031746e+01,'W');
INSERT INTO "metric" VALUES(225,'ed336fd638b2','power.cpu.mean',9.36058081166079780643e+00,'W');
INSERT INTO "metric" VALUES(226,'ed336fd638b2','power.package.mean',7.87637134040278681385e+01,'W');
INSERT INTO "metric" VALUES(227,'ed336fd638b2','power.package.max',7.87637134040278823459e+01,'W');
INSERT INTO "metric" VALUES(228,'ed336fd638b2','power.limit',140.0,'W');
INSERT INTO "metric" VALUES(229,'ed336fd638b2','energy.total',7.57350123325028e-05,'J');
INSERT INTO "metric" VALUES(230,'ed336fd638b2','energy.per_tflop',0.0,'J/TFLOP');
INSERT INTO "metric" VALUES(231,'ed336fd638b2','energy.per_gb_read',1.15562457782749627988e+00,'J/GB');
INSERT INTO "metric" VALUES(232,'ed336fd638b2','temp.gpu_die.max',4.03149205774311596411e+01,'C');
INSERT INTO "metric" VALUES(233,'ed336fd638b2','temp.gpu_die.final',4.03149205774311596411e+01,'C');
INSERT INTO "metric" VALUES(234,'ed336fd638b2','temp.cpu_die.max',4.42568235410179724445e+01,'C');
INSERT INTO "metric" VALUES(235,'ed336fd638b2','temp.cpu_die.final',4.42568235410179724445e+01,'C');
INSERT INTO "metric" VALUES(236,'ed336fd638b2','temp.sink.max',4.00413278718695835305e+01,'C');
INSERT INTO "metric" VALUES(237,'ed336fd638b2','temp.sink.final',4.00413278718695835305e+01,'C');
INSERT INTO "metric" VALUES(238,'ed336fd638b2','fan.speed.final',3.01157180412348346454e-01,'ratio');
INSERT INTO "metric" VALUES(239,'ed336fd638b2','clock.gpu.mean',2418.0,'MHz');
INSERT INTO "metric" VALUES(240,'ed336fd638b2','clock.gpu.min',2418.0,'MHz');
INSERT INTO "metric" VALUES(241,'ed336fd638b2','clock.cpu0.mean',3900.0,'MHz');
INSERT INTO "metric" VALUES(242,'ed336fd638b2','clock.cpu0.min',3900.0,'MHz');
INSERT INTO "metric" VALUES(243,'ed336fd638b2','clock.cpu1.mean',3900.0,'MHz');
INSERT INTO "metric" VALUES(244,'ed336fd638b2','clock.cpu1.min',3900.0,'MHz');
INSERT INTO "metric" VALUES(245,'ed336fd638b2','throttle.first',-1.0,'s');
INSERT INTO "metric" VALUES(246,'ed336fd638b2','throttle.first.power_cap',-1.0,'s');
INSERT INTO "metric" VALUES(247,'ed336fd638b2','throttle.power_cap.residency',0.0,'ratio');
INSERT INTO "metric" VALUES(248,'ed336fd638b2','throttle.first.thermal',-1.0,'s');
INSERT INTO "metric" VALUES(249,'ed336fd638b2','throttle.thermal.residency',0.0,'ratio');
INSERT INTO "metric" VALUES(250,'ed336fd638b2','throttle.first.other',-1.0,'s');
INSERT INTO "metric" VALUES(251,'ed336fd638b2','throttle.other.residency',0.0,'ratio');
INSERT INTO "metric" VALUES(252,'ed336fd638b2','thermal.shutdown',0.0,'count');
CREATE TABLE run (
    id TEXT PRIMARY KEY NOT NULL,
    scenarioName TEXT NOT NULL,
    scenarioFile TEXT NOT NULL,
    scenarioText TEXT NOT NULL,
    scenarioHash TEXT NOT NULL,
    overrides TEXT NOT NULL,
    seed INTEGER NOT NULL,
    toolVersion TEXT NOT NULL,
    startedAt TEXT NOT NULL,
    wallTimeS REAL NOT NULL,
    events INTEGER NOT NULL,
    simulatedPs INTEGER NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('finished', 'failed')),
    statusMessage TEXT NOT NULL
);
INSERT INTO "run" VALUES('47c6abc2d6d0','tiny','tiny.yaml','name: tiny
machine:
  preset: dgx-spark
workload:
  - kind: stream-read
    buffer: 1 MiB
    bytes: 64 KiB
run:
  duration: 1 ms
  seed: 1
  samplePeriod: 100 us
','7b05c1c4db30619aacb1c045479f952d17d24b1ed83d162c17f4dc7c260236c8','[]',1,'0.1.0','2026-12-03T08:41:36Z',5.69912100000000056837e-03,1537,961547,'finished','workload complete');
INSERT INTO "run" VALUES('ed336fd638b2','tiny','tiny.yaml','name: tiny
machine:
  preset: dgx-spark
workload:
  - kind: stream-read
    buffer: 1 MiB
    bytes: 64 KiB
run:
  duration: 1 ms
  seed: 1
  samplePeriod: 100 us
','65909dc150bc470bd2d16dc27a493b728ca672fa1fe59729ce7aa4edf74257cc','["run.seed=2"]',2,'0.1.0','2026-12-03T08:41:37Z',5.76569600000000070938e-03,1537,961547,'finished','workload complete');
CREATE TABLE sample (
    signalId INTEGER NOT NULL REFERENCES signal(id) ON DELETE CASCADE,
    timePs INTEGER NOT NULL,
    value REAL NOT NULL,
    PRIMARY KEY (signalId, timePs)
) WITHOUT ROWID;
INSERT INTO "sample" VALUES(1,961547,6.81568347673072594261e+01);
INSERT INTO "sample" VALUES(2,961547,480.5241015625);
INSERT INTO "sample" VALUES(3,961547,0.0);
INSERT INTO "sample" VALUES(4,961547,0.869140625);
INSERT INTO "sample" VALUES(5,961547,2.83986811530446914275e-01);
INSERT INTO "sample" VALUES(6,961547,0.0);
INSERT INTO "sample" VALUES(7,961547,0.0);
INSERT INTO "sample" VALUES(8,961547,2418.0);
INSERT INTO "sample" VALUES(9,961547,3900.0);
INSERT INTO "sample" VALUES(10,961547,3900.0);
INSERT INTO "sample" VALUES(11,961547,5.01970496863832877938e+01);
INSERT INTO "sample" VALUES(12,961547,4.92959321833039876281e+00);
INSERT INTO "sample" VALUES(13,961547,4.43098759333039904362e+00);
INSERT INTO "sample" VALUES(14,961547,5.72627339069229);
INSERT INTO "sample" VALUES(15,961547,1.34798095152915031746e+01);
INSERT INTO "sample" VALUES(16,961547,7.87637134040278823459e+01);
INSERT INTO "sample" VALUES(17,961547,7.87637134040278823459e+01);
INSERT INTO "sample" VALUES(18,961547,140.0);
INSERT INTO "sample" VALUES(19,961547,4.03149205774311596411e+01);
INSERT INTO "sample" VALUES(20,961547,4.42568235410179724445e+01);
INSERT INTO "sample" VALUES(21,961547,4.00413278718695835305e+01);
INSERT INTO "sample" VALUES(22,961547,3.01157180412348346454e-01);
INSERT INTO "sample" VALUES(23,961547,0.0);
INSERT INTO "sample" VALUES(24,961547,6.81568347673072594261e+01);
INSERT INTO "sample" VALUES(25,961547,480.5241015625);
INSERT INTO "sample" VALUES(26,961547,0.0);
INSERT INTO "sample" VALUES(27,961547,0.869140625);
INSERT INTO "sample" VALUES(28,961547,2.83986811530446914275e-01);
INSERT INTO "sample" VALUES(29,961547,0.0);
INSERT INTO "sample" VALUES(30,961547,0.0);
INSERT INTO "sample" VALUES(31,961547,2418.0);
INSERT INTO "sample" VALUES(32,961547,3900.0);
INSERT INTO "sample" VALUES(33,961547,3900.0);
INSERT INTO "sample" VALUES(34,961547,5.01970496863832877938e+01);
INSERT INTO "sample" VALUES(35,961547,4.92959321833039876281e+00);
INSERT INTO "sample" VALUES(36,961547,4.43098759333039904362e+00);
INSERT INTO "sample" VALUES(37,961547,5.72627339069229);
INSERT INTO "sample" VALUES(38,961547,1.34798095152915031746e+01);
INSERT INTO "sample" VALUES(39,961547,7.87637134040278823459e+01);
INSERT INTO "sample" VALUES(40,961547,7.87637134040278823459e+01);
INSERT INTO "sample" VALUES(41,961547,140.0);
INSERT INTO "sample" VALUES(42,961547,4.03149205774311596411e+01);
INSERT INTO "sample" VALUES(43,961547,4.42568235410179724445e+01);
INSERT INTO "sample" VALUES(44,961547,4.00413278718695835305e+01);
INSERT INTO "sample" VALUES(45,961547,3.01157180412348346454e-01);
INSERT INTO "sample" VALUES(46,961547,0.0);
CREATE TABLE signal (
    id INTEGER PRIMARY KEY,
    runId TEXT NOT NULL REFERENCES run(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    unit TEXT NOT NULL,
    UNIQUE (runId, name)
);
INSERT INTO "signal" VALUES(1,'47c6abc2d6d0','gpu.read.bandwidth','GB/s');
INSERT INTO "signal" VALUES(2,'47c6abc2d6d0','gpu.read.latency.mean','ns');
INSERT INTO "signal" VALUES(3,'47c6abc2d6d0','gpu.reads_in_flight','count');
INSERT INTO "signal" VALUES(4,'47c6abc2d6d0','memory.row_hit_rate','ratio');
INSERT INTO "signal" VALUES(5,'47c6abc2d6d0','c2c.cpu_to_gpu.utilization','ratio');
INSERT INTO "signal" VALUES(6,'47c6abc2d6d0','gpu.gemm.throughput','TFLOPS');
INSERT INTO "signal" VALUES(7,'47c6abc2d6d0','cpu.stream.bandwidth','GB/s');
INSERT INTO "signal" VALUES(8,'47c6abc2d6d0','clock.gpu','MHz');
INSERT INTO "signal" VALUES(9,'47c6abc2d6d0','clock.cpu0','MHz');
INSERT INTO "signal" VALUES(10,'47c6abc2d6d0','clock.cpu1','MHz');
INSERT INTO "signal" VALUES(11,'47c6abc2d6d0','power.gpu','W');
INSERT INTO "signal" VALUES(12,'47c6abc2d6d0','power.cpu0','W');
INSERT INTO "signal" VALUES(13,'47c6abc2d6d0','power.cpu1','W');
INSERT INTO "signal" VALUES(14,'47c6abc2d6d0','power.memory','W');
INSERT INTO "signal" VALUES(15,'47c6abc2d6d0','power.soc','W');
INSERT INTO "signal" VALUES(16,'47c6abc2d6d0','power.package','W');
INSERT INTO "signal" VALUES(17,'47c6abc2d6d0','power.package.averaged','W');
INSERT INTO "signal" VALUES(18,'47c6abc2d6d0','power.limit','W');
INSERT INTO "signal" VALUES(19,'47c6abc2d6d0','temp.gpu_die','C');
INSERT INTO "signal" VALUES(20,'47c6abc2d6d0','temp.cpu_die','C');
INSERT INTO "signal" VALUES(21,'47c6abc2d6d0','temp.sink','C');
INSERT INTO "signal" VALUES(22,'47c6abc2d6d0','fan.speed','ratio');
INSERT INTO "signal" VALUES(23,'47c6abc2d6d0','throttle.reason','code');
INSERT INTO "signal" VALUES(24,'ed336fd638b2','gpu.read.bandwidth','GB/s');
INSERT INTO "signal" VALUES(25,'ed336fd638b2','gpu.read.latency.mean','ns');
INSERT INTO "signal" VALUES(26,'ed336fd638b2','gpu.reads_in_flight','count');
INSERT INTO "signal" VALUES(27,'ed336fd638b2','memory.row_hit_rate','ratio');
INSERT INTO "signal" VALUES(28,'ed336fd638b2','c2c.cpu_to_gpu.utilization','ratio');
INSERT INTO "signal" VALUES(29,'ed336fd638b2','gpu.gemm.throughput','TFLOPS');
INSERT INTO "signal" VALUES(30,'ed336fd638b2','cpu.stream.bandwidth','GB/s');
INSERT INTO "signal" VALUES(31,'ed336fd638b2','clock.gpu','MHz');
INSERT INTO "signal" VALUES(32,'ed336fd638b2','clock.cpu0','MHz');
INSERT INTO "signal" VALUES(33,'ed336fd638b2','clock.cpu1','MHz');
INSERT INTO "signal" VALUES(34,'ed336fd638b2','power.gpu','W');
INSERT INTO "signal" VALUES(35,'ed336fd638b2','power.cpu0','W');
INSERT INTO "signal" VALUES(36,'ed336fd638b2','power.cpu1','W');
INSERT INTO "signal" VALUES(37,'ed336fd638b2','power.memory','W');
INSERT INTO "signal" VALUES(38,'ed336fd638b2','power.soc','W');
INSERT INTO "signal" VALUES(39,'ed336fd638b2','power.package','W');
INSERT INTO "signal" VALUES(40,'ed336fd638b2','power.package.averaged','W');
INSERT INTO "signal" VALUES(41,'ed336fd638b2','power.limit','W');
INSERT INTO "signal" VALUES(42,'ed336fd638b2','temp.gpu_die','C');
INSERT INTO "signal" VALUES(43,'ed336fd638b2','temp.cpu_die','C');
INSERT INTO "signal" VALUES(44,'ed336fd638b2','temp.sink','C');
INSERT INTO "signal" VALUES(45,'ed336fd638b2','fan.speed','ratio');
INSERT INTO "signal" VALUES(46,'ed336fd638b2','throttle.reason','code');
CREATE INDEX run_scenarioName ON run(scenarioName);
CREATE INDEX expectation_runId ON expectation(runId);
CREATE INDEX label_label ON label(label);
CREATE TABLE unitCost (
                    machineKey TEXT NOT NULL,
                    signature TEXT NOT NULL,
                    seconds REAL NOT NULL,
                    tensorBusyCycles REAL NOT NULL,
                    memoryBytes REAL NOT NULL,
                    c2cBytes REAL NOT NULL,
                    flops REAL NOT NULL,
                    bytesRead REAL NOT NULL,
                    cpuChaseLoads REAL NOT NULL,
                    cpuChaseLatencyPs REAL NOT NULL,
                    gpuBusy REAL NOT NULL,
                    gpuChaseLoads REAL NOT NULL,
                    gpuChaseLatencyPs REAL NOT NULL,
                    gpuChaseSMCycles REAL NOT NULL, activates REAL NOT NULL DEFAULT 0,
                    PRIMARY KEY (machineKey, signature)
                ) WITHOUT ROWID;
INSERT INTO "unitCost" VALUES('0f3c','streamRead(StreamReadPhase(bufferBytes: 1048576))|2418000000.0|cold',4.5e-06,0.0,1048576.0,1081344.0,0.0,1048576.0,0.0,0.0,1.0,0.0,0.0,0.0,0.0);
COMMIT;

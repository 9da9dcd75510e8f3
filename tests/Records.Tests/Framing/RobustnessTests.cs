using Pipeline.Records;

namespace Records.Tests.Framing;

/// <summary>
/// Random damage to the fixture files: every outcome is either the documented <see cref="DataLossException"/>, or
/// (in skip mode, or for bytes no CRC covers such as gzip header fields) records that are exactly original records.
/// Never another exception, a crash, or a hang. Seeds are fixed so failures reproduce.
/// </summary>
public class RobustnessTests
{
    private const int Trials = 150;

    public static TheoryData<string> Files => ["lingvo", "nucleus", "tf1events", "tf2events", "deeplab"];

    private static string PathOf(string name) => name switch
    {
        "lingvo" => Fixtures.Lingvo,
        "nucleus" => Fixtures.NucleusPlain,
        "tf2events" => Fixtures.Tf2Events,
        "deeplab" => Fixtures.Deeplab,
        _ => Fixtures.Tf1Events,
    };

    [Theory]
    [MemberData(nameof(Files))]
    public void Every_single_bit_flip_in_an_uncompressed_file_is_detected(string name)
    {
        var original = File.ReadAllBytes(PathOf(name));
        var rng = new Random(name.Length * 7919);
        for (int t = 0; t < Trials; t++)
        {
            var bytes = (byte[])original.Clone();
            int at = rng.Next(bytes.Length);
            bytes[at] ^= (byte)(1 << rng.Next(8));
            // Every byte of a TFRecord file is under one of the two CRCs, so one flipped bit can never pass.
            var ex = Assert.Throws<DataLossException>(() => Fixtures.ReadAll(bytes));
            Assert.InRange(ex.Offset, 0, at);
        }
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void In_skip_mode_random_damage_only_ever_yields_original_records(string name)
    {
        var original = File.ReadAllBytes(PathOf(name));
        var records = Fixtures.ReadAll(original).Select(Convert.ToHexString).ToHashSet();
        var rng = new Random(name.Length * 104729);
        for (int t = 0; t < Trials; t++)
        {
            var bytes = (byte[])original.Clone();
            int flips = 1 + rng.Next(8);
            for (int k = 0; k < flips; k++) bytes[rng.Next(bytes.Length)] = (byte)rng.Next(256);
            using var reader = new TFRecordReader(new MemoryStream(bytes), skipCorrupt: true);
            int read = 0;
            while (reader.TryReadNext(out var r))
            {
                Assert.Contains(Convert.ToHexString(r.Span), records);
                read++;
            }
            Assert.True(read + reader.SkippedRecords >= 1);
            Assert.True(read <= records.Count);
            Assert.Equal(bytes.Length, reader.Offset);
        }
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void A_truncation_anywhere_is_data_loss_unless_it_falls_on_a_record_boundary(string name)
    {
        var original = File.ReadAllBytes(PathOf(name));
        var records = Fixtures.ReadAll(original);
        var boundaries = new HashSet<int> { 0 };
        int pos = 0;
        foreach (var r in records) boundaries.Add(pos += 16 + r.Length);
        var rng = new Random(name.Length * 31);
        for (int t = 0; t < Trials; t++)
        {
            int cut = rng.Next(original.Length);
            var bytes = original[..cut];
            if (boundaries.Contains(cut))
                Assert.Equal(records.Take(Fixtures.ReadAll(bytes).Count), Fixtures.ReadAll(bytes));
            else
                Assert.Throws<DataLossException>(() => Fixtures.ReadAll(bytes));
        }
    }

    [Fact]
    public void Damaged_gzip_files_raise_data_loss_or_yield_only_original_records()
    {
        var original = File.ReadAllBytes(Fixtures.PenguinTrain);
        var records = Fixtures.ReadAll(original, TFRecordCompression.Gzip).Select(Convert.ToHexString).ToHashSet();
        var rng = new Random(42);
        for (int t = 0; t < Trials; t++)
        {
            var bytes = (byte[])original.Clone();
            if (t % 2 == 0) bytes[rng.Next(bytes.Length)] ^= (byte)(1 << rng.Next(8));
            else bytes = bytes[..rng.Next(bytes.Length)];
            try
            {
                foreach (var r in Fixtures.ReadAll(bytes, TFRecordCompression.Gzip))
                    Assert.Contains(Convert.ToHexString(r), records);
            }
            catch (DataLossException)
            {
                // documented outcome
            }
            using var skipping = new TFRecordReader(new MemoryStream(bytes), TFRecordCompression.Gzip, skipCorrupt: true);
            while (skipping.TryReadNext(out var r)) Assert.Contains(Convert.ToHexString(r.Span), records);
        }
    }
}

using Fuzz.Tests.Harness;
using Pipeline.Records;
using Xunit.Abstractions;

namespace Fuzz.Tests.Targets;

/// <summary>
/// The Example and SequenceExample parsers on mutated messages: bad data is an <see cref="InvalidDataException"/>
/// naming what is wrong, nothing else, and every tensor made along the way is disposed.
/// </summary>
public class ExampleParserFuzzTests(ITestOutputHelper output)
{
    static readonly Dictionary<string, FeatureSpec> Description = new()
    {
        ["label"] = new FixedLenFeature([], FeatureType.Int64, defaultValue: -1L),
        ["image"] = new FixedLenFeature([], FeatureType.String, defaultValue: ""),
        ["floats"] = new FixedLenFeature([3], FeatureType.Float32, defaultValue: 0f),
        ["ids"] = new VarLenFeature(FeatureType.Int64),
        ["names"] = new VarLenFeature(FeatureType.String),
        ["rows"] = new FixedLenSequenceFeature([2], FeatureType.Float32, allowMissing: true),
        // The penguin fixture's features: float scalars and an int64 label, all required.
        ["species"] = new FixedLenFeature([], FeatureType.Int64, defaultValue: 0L),
        ["body_mass_g"] = new FixedLenFeature([], FeatureType.Float32, defaultValue: 0f),
    };

    static readonly Dictionary<string, FeatureSpec> Context = new()
    {
        ["length"] = new FixedLenFeature([], FeatureType.Int64, defaultValue: 0L),
        ["title"] = new VarLenFeature(FeatureType.String),
    };

    static readonly Dictionary<string, FeatureSpec> Lists = new()
    {
        ["tokens"] = new VarLenFeature(FeatureType.Int64),
        ["frames"] = new FixedLenSequenceFeature([2], FeatureType.Float32, allowMissing: true),
    };

    static void ParseExample(byte[] input)
    {
        using (ExampleParser.ParseSingleExample(input, Description)) { }
        using (ExampleParser.ParseExample([input, input], Description)) { }
    }

    static void ParseSequenceExample(byte[] input)
    {
        var (context, lists) = ExampleParser.ParseSingleSequenceExample(input, Context, Lists);
        context.Dispose();
        lists.Dispose();
    }

    static bool IsBadData(Exception e) => e is InvalidDataException;

    static List<byte[]> FixtureRecords(string path, TFRecordCompression compression, int count)
    {
        var records = new List<byte[]>();
        if (!File.Exists(path)) return records;
        using var reader = new TFRecordReader(path, compression);
        while (records.Count < count && reader.TryReadNext(out var r)) records.Add(r.ToArray());
        return records;
    }

    [Fact]
    public void Examples()
    {
        var seeds = FixtureRecords(RepositoryPaths.Fixture("tfrecord-gzip", "tfx_penguin", "Split-eval", "data_tfrecord-00000-of-00001.gz"), TFRecordCompression.Gzip, 5);
        var report = FuzzRunner.Run(new FuzzTarget("example", ParseExample, IsBadData, seeds));
        output.WriteLine(report.ToString());
        Assert.True(report.Accepted > 0 && report.Rejected.Values.Sum() > 0, report.ToString());
    }

    [Fact]
    public void SequenceExamples()
    {
        var seeds = FixtureRecords(RepositoryPaths.Fixture("tfrecord-sequence-example", "tfx_tfrecord_sequence", "Split-eval", "data_tfrecord_eval.gz"), TFRecordCompression.Gzip, 3);
        var report = FuzzRunner.Run(new FuzzTarget("sequence-example", ParseSequenceExample, IsBadData, seeds));
        output.WriteLine(report.ToString());
        Assert.True(report.Accepted > 0 && report.Rejected.Values.Sum() > 0, report.ToString());
    }
}

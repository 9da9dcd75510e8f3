namespace Pipeline.Records;

// Concise construction of SequenceExamples, mirroring tf.train.SequenceExample(context=tf.train.Features(feature={...}),
// feature_lists=tf.train.FeatureLists(feature_list={"tokens": tf.train.FeatureList(feature=[...])})).
public sealed partial class SequenceExample
{
    /// <summary>
    /// A sequence example with per-example <paramref name="context"/> features and per-step feature lists:
    /// <c>SequenceExample.FromFeatures([("length", Feature.Int64(2))], [("tokens", [Feature.Int64(7, 8), Feature.Int64(9)])])</c>
    /// (two steps of <c>tokens</c>). Write it with <see cref="TFRecordWriter"/>; read it back with
    /// <c>ExampleParser.ParseSingleSequenceExample</c>.
    /// </summary>
    /// <param name="context">Key and feature pairs for the whole sequence, or null for none; keys must be distinct.</param>
    /// <param name="featureLists">Key and steps (one <see cref="Feature"/> per step, in order) pairs, or null for none;
    /// keys must be distinct. A list with no steps is kept (it parses as zero steps).</param>
    /// <returns>A new sequence example.</returns>
    public static SequenceExample FromFeatures(IEnumerable<(string Key, Feature Value)>? context,
        IEnumerable<(string Key, IEnumerable<Feature> Steps)>? featureLists)
    {
        var result = new SequenceExample { Context = new Features(), FeatureLists = new FeatureLists() };
        foreach (var (key, value) in context ?? [])
        {
            ArgumentNullException.ThrowIfNull(key, nameof(context));
            ArgumentNullException.ThrowIfNull(value, $"context[\"{key}\"]");
            if (!result.Context.Feature.TryAdd(key, value)) throw new ArgumentException($"Context feature key '{key}' appears twice.", nameof(context));
        }
        foreach (var (key, steps) in featureLists ?? [])
        {
            ArgumentNullException.ThrowIfNull(key, nameof(featureLists));
            ArgumentNullException.ThrowIfNull(steps, $"featureLists[\"{key}\"]");
            var list = new FeatureList();
            var t = 0;
            foreach (var step in steps)
            {
                list.Feature.Add(step ?? throw new ArgumentException($"Step {t} of feature list '{key}' is null.", nameof(featureLists)));
                t++;
            }
            if (!result.FeatureLists.FeatureList.TryAdd(key, list))
                throw new ArgumentException($"Feature list key '{key}' appears twice.", nameof(featureLists));
        }
        return result;
    }
}

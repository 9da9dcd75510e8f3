using System.Collections;
using System.Text;

namespace Pipeline.Records;

/// <summary>A feature's default or padding values, converted once to the feature's type.</summary>
internal sealed class DefaultValues
{
    public long[]? Int64 { get; private init; }
    public float[]? Float32 { get; private init; }
    public byte[][]? Strings { get; private init; }
    public int Count => Int64?.Length ?? Float32?.Length ?? Strings!.Length;

    public static DefaultValues Zero(FeatureType type) => type switch
    {
        FeatureType.Int64 => new() { Int64 = [0] },
        FeatureType.Float32 => new() { Float32 = [0f] },
        _ => new() { Strings = [[]] },
    };

    public static DefaultValues Convert(object value, FeatureType type, string argument)
    {
        var items = value is string or byte[] || value is not IEnumerable ? new[] { value } : ((IEnumerable)value).Cast<object>().ToArray();
        try
        {
            return type switch
            {
                FeatureType.Int64 => new() { Int64 = items.Select(v => v switch
                {
                    long l => l, int i => i, short s => s, byte b => b, uint u => u,
                    _ => throw new ArgumentException($"an int64 feature's default must be integers, got {v?.GetType().Name ?? "null"}"),
                }).ToArray() },
                FeatureType.Float32 => new() { Float32 = items.Select(v => v switch
                {
                    float f => f, double d => (float)d, long l => l, int i => i,
                    _ => throw new ArgumentException($"a float feature's default must be numbers, got {v?.GetType().Name ?? "null"}"),
                }).ToArray() },
                _ => new() { Strings = items.Select(v => v switch
                {
                    byte[] b => b, string s => Encoding.UTF8.GetBytes(s),
                    _ => throw new ArgumentException($"a string feature's default must be string or byte[], got {v?.GetType().Name ?? "null"}"),
                }).ToArray() },
            };
        }
        catch (ArgumentException e) when (e.ParamName is null)
        {
            throw new ArgumentException(e.Message + ".", argument);
        }
    }
}

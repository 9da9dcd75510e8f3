using Pipeline.Records.TensorBoard;

namespace Pipeline.Records;

/// <summary>TF1's histogram summary buckets (tensorflow/core/lib/histogram): ±1e-12 · 1.1^k up to 1e20, zero, ±DBL_MAX.</summary>
internal static class Histograms
{
    private static readonly double[] Limits = BuildLimits();

    private static double[] BuildLimits()
    {
        var positive = new List<double>();
        for (double v = 1e-12; v < 1e20; v *= 1.1) positive.Add(v);
        positive.Add(double.MaxValue);
        var limits = new List<double>(positive.Count * 2 + 1);
        for (int i = positive.Count - 1; i >= 0; i--) limits.Add(-positive[i]);
        limits.Add(0.0);
        limits.AddRange(positive);
        return limits.ToArray();
    }

    public static HistogramProto Build(ReadOnlySpan<double> values)
    {
        var counts = new double[Limits.Length];
        double min = double.MaxValue, max = -double.MaxValue, sum = 0, sumSquares = 0;
        foreach (var v in values)
        {
            // First bucket whose limit is above v (upper_bound), as TensorFlow's Histogram::Add.
            int index = Array.BinarySearch(Limits, v);
            index = index >= 0 ? index + 1 : ~index;
            counts[Math.Min(index, counts.Length - 1)] += 1;
            min = Math.Min(min, v);
            max = Math.Max(max, v);
            sum += v;
            sumSquares += v * v;
        }
        var proto = new HistogramProto { Min = min, Max = max, Num = values.Length, Sum = sum, SumSquares = sumSquares };
        for (int i = 0; i < counts.Length;)
        {
            double end = Limits[i], count = counts[i];
            i++;
            if (count <= 0)
            {
                // Collapse a run of empty buckets into one.
                while (i < counts.Length && counts[i] <= 0)
                {
                    end = Limits[i];
                    count = counts[i];
                    i++;
                }
            }
            proto.BucketLimit.Add(end);
            proto.Bucket.Add(count);
        }
        return proto;
    }
}

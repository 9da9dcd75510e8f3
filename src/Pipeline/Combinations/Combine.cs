namespace Pipeline;

/// <summary>Cardinality arithmetic shared by the combining datasets.</summary>
static class Combine
{
    internal static long MinCardinality(long a, long b)
    {
        if (a == Dataset.InfiniteCardinality) return b;
        if (b == Dataset.InfiniteCardinality) return a;
        if (a == Dataset.UnknownCardinality || b == Dataset.UnknownCardinality) return Dataset.UnknownCardinality;
        return Math.Min(a, b);
    }

    internal static long SumCardinality(long a, long b)
    {
        if (a == Dataset.InfiniteCardinality || b == Dataset.InfiniteCardinality) return Dataset.InfiniteCardinality;
        if (a == Dataset.UnknownCardinality || b == Dataset.UnknownCardinality) return Dataset.UnknownCardinality;
        return a + b;
    }
}

// The warehouse clock of the contract's Spark session is the simulated world's clock, as the
// embedded warehouse's is: `current_timestamp()`, `now()` and `current_date()` in a statement read
// the time the world is at (session setting postflight.contract.clock_ms), not the machine's. The
// SQL alerts window on the warehouse clock; without this, Spark would judge a simulated day in the
// past against today. Statements are not rewritten: the functions resolve as usual and this
// post-resolution rule puts the simulated instant where Spark would put the wall clock.
package postflight.contract;

import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.SparkSessionExtensions;
import org.apache.spark.sql.catalyst.expressions.CurrentDate;
import org.apache.spark.sql.catalyst.expressions.CurrentTimestampLike;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.Literal;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.rules.Rule;
import org.apache.spark.sql.types.DataTypes;
import scala.Function1;
import scala.runtime.AbstractFunction1;
import scala.runtime.AbstractPartialFunction;
import scala.runtime.BoxedUnit;

public final class SimulatedClock extends AbstractFunction1<SparkSessionExtensions, BoxedUnit> {
  public static final String KEY = "postflight.contract.clock_ms";
  private static final long DAY_MS = 86_400_000L;

  @Override
  public BoxedUnit apply(SparkSessionExtensions extensions) {
    extensions.injectPostHocResolutionRule(
        new AbstractFunction1<SparkSession, Rule<LogicalPlan>>() {
          @Override
          public Rule<LogicalPlan> apply(SparkSession session) {
            return new ClockRule();
          }
        });
    return BoxedUnit.UNIT;
  }

  static final class ClockRule extends Rule<LogicalPlan> {
    @Override
    public LogicalPlan apply(LogicalPlan plan) {
      String ms = conf().getConfString(KEY, "");
      if (ms.isEmpty()) return plan;
      long millis = Long.parseLong(ms);
      // The session's time zone is UTC, so the simulated day is the UTC day of the instant.
      Literal timestamp = new Literal(millis * 1000L, DataTypes.TimestampType);
      Literal date = new Literal((int) Math.floorDiv(millis, DAY_MS), DataTypes.DateType);
      return (LogicalPlan) plan.transformAllExpressions(new Now(timestamp, date));
    }
  }

  static final class Now extends AbstractPartialFunction<Expression, Expression> {
    private final Literal timestamp;
    private final Literal date;

    Now(Literal timestamp, Literal date) {
      this.timestamp = timestamp;
      this.date = date;
    }

    @Override
    public boolean isDefinedAt(Expression e) {
      return e instanceof CurrentTimestampLike || e instanceof CurrentDate;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <A1 extends Expression, B1> B1 applyOrElse(A1 e, Function1<A1, B1> otherwise) {
      if (e instanceof CurrentTimestampLike) return (B1) timestamp;
      if (e instanceof CurrentDate) return (B1) date;
      return otherwise.apply(e);
    }
  }
}

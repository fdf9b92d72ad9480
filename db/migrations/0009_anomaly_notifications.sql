CREATE TABLE "anomaly_notifications" (
	"org_id" text NOT NULL,
	"host_id" text NOT NULL,
	"app_id" text NOT NULL,
	"metric" text NOT NULL,
	"day" date NOT NULL,
	"value" double precision NOT NULL,
	"expected" double precision NOT NULL,
	"score" double precision NOT NULL,
	"sent_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "anomaly_notifications_org_id_host_id_app_id_metric_day_pk" PRIMARY KEY("org_id","host_id","app_id","metric","day")
);

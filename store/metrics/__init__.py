"""The desk's numbers: digest periods, figures, subscriptions and their runs, drill-downs, exports."""

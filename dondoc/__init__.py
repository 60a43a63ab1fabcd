"""dondoc: theo dõi, đôn đốc kế hoạch cải cách hành chính."""

__version__ = "0.1.0"
